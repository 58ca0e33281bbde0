// Reads a GGUF file with the independent @huggingface/gguf parser (npm, 0.4.6) and prints what it
// found as JSON: typed metadata, tensor infos (ne in ggml order, ggml type id, offset) and where
// the data section starts. See README.md for how peer.gguf.expected.json was made with it.
import { gguf } from "@huggingface/gguf";

const file = process.argv[2];
const { metadata, typedMetadata, tensorInfos, tensorDataOffset } = await gguf(file, {
  allowLocalFile: true,
  typedMetadata: true,
});
const big = (k, v) => (typeof v === "bigint" ? v.toString() : v);
const meta = {};
for (const [k, v] of Object.entries(typedMetadata)) {
  meta[k] = { type: v.type, value: v.value, subType: v.subType };
}
console.log(JSON.stringify({
  version: metadata.version,
  tensorCount: metadata.tensor_count,
  tensorDataOffset,
  metadata: meta,
  tensors: tensorInfos.map((t) => ({ name: t.name, ne: t.shape, type: t.dtype, offset: t.offset })),
}, big, 1));
