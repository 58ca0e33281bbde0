#!/usr/bin/env node
// llama.cpp (through node-llama-cpp 3.21.1's prebuilt CPU binaries) perplexity and throughput on a GGUF file, under the
// convention of llama.cpp's tools/perplexity/perplexity.cpp: ids = tokenize(text, add_special), chunks of n_ctx tokens
// (len / n_ctx of them, the tail dropped), a chunk's first token replaced by BOS when the vocabulary adds BOS, the KV
// cache cleared per chunk, logits at positions n_ctx/2 .. n_ctx-2 scoring the next token.
// Peer harness only (outside CI); see README.md in this folder for setup and the stored outputs.
//
//   node llama_perplexity.mjs --gguf FILE [--ctx 128] [--text FILE | --ids MANIFEST.json:MODEL] [--threads 2]
//                             [--repeat 1] [--throughput-only true] [--out RESULT.json]
// --throughput-only skips the perplexity pass (its JS probability map per scored token is slow for 100k+ vocabularies).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {pathToFileURL} from "node:url";

const args = {ctx: 128, threads: 2, repeat: 1};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, "")] = argv[i + 1];
if (!args.gguf || (!args.text && !args.ids)) {
    console.error("usage: node llama_perplexity.mjs --gguf FILE (--text FILE | --ids MANIFEST.json:MODEL) [--ctx N] [--threads T] [--repeat R] [--out FILE]");
    process.exit(2);
}
const nCtx = Number(args.ctx), threads = Number(args.threads), repeat = Number(args.repeat);
const nlcDir = process.env.NLC_DIR ?? path.join(path.dirname(new URL(import.meta.url).pathname), ".node");
const nlcPkg = path.join(nlcDir, "node_modules", "node-llama-cpp");
const {getLlama, LlamaLogLevel} = await import(pathToFileURL(path.join(nlcPkg, "dist", "index.js")).href);
const nlcVersion = JSON.parse(fs.readFileSync(path.join(nlcPkg, "package.json"), "utf8")).version;

const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: args.gguf, gpuLayers: 0});
const meta = model.fileInfo.metadata;
const addBos = model.tokens.shouldPrependBosToken; // llama_vocab_get_add_bos (tokenizer.ggml.add_bos_token)
const bos = model.tokens.bos;

// token ids: llama.cpp's own tokenizer on the text, and (when given) the ids a manifest stored, compared
let llamaIds = null, ids;
if (args.text) {
    const text = fs.readFileSync(args.text, "utf8");
    llamaIds = Array.from(model.tokenize(text, false));
    if (addBos) llamaIds.unshift(bos);
    ids = llamaIds;
}
let idsSource = "llama.cpp tokenizer";
if (args.ids) {
    const [file, name] = args.ids.split(":");
    ids = JSON.parse(fs.readFileSync(file, "utf8")).models[name].heldout_ids;
    idsSource = args.ids;
}
const tokenizerAgrees = llamaIds == null ? null
    : llamaIds.length === ids.length && llamaIds.every((t, i) => t === ids[i]);

const context = await model.createContext({contextSize: Math.max(2 * nCtx, model.trainContextSize), batchSize: nCtx,
    sequences: 1, threads, flashAttention: false});
const seq = context.getSequence();
const first = Math.floor(nCtx / 2);
const nChunk = Math.floor(ids.length / nCtx);

async function pass(withProbabilities) {
    let nll = 0, count = 0;
    const t0 = process.hrtime.bigint();
    for (let c = 0; c < nChunk; c++) {
        const chunk = ids.slice(c * nCtx, (c + 1) * nCtx);
        if (addBos) chunk[0] = bos;
        await seq.clearHistory();
        const next = withProbabilities ? {probabilities: true, options: {temperature: 0}} : {confidence: true, options: {temperature: 0}};
        const items = chunk.map((t, i) => (i >= first && i <= nCtx - 2) ? [t, {generateNext: next}] : t);
        const res = await seq.controlledEvaluate(items);
        if (withProbabilities) {
            for (let i = first; i <= nCtx - 2; i++) {
                const p = res[i].next.probabilities.get(chunk[i + 1]);
                nll -= Math.log(p);
                count++;
            }
        }
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return {nll, count, seconds, tokensPerSecond: nChunk * nCtx / seconds};
}

const throughputOnly = args["throughput-only"] === "true";
const ppl = throughputOnly ? {nll: NaN, count: 0, tokensPerSecond: NaN} : await pass(true);
const speed = [];
for (let r = 0; r < repeat; r++) speed.push(await pass(false));
const best = speed.reduce((a, b) => (b.tokensPerSecond > a.tokensPerSecond ? b : a));
const result = {
    gguf: args.gguf, architecture: meta.general.architecture, file_type: meta.general.file_type,
    n_ctx: nCtx, chunks: nChunk, tokens_scored: ppl.count, add_bos: addBos,
    mean_nll: ppl.nll / ppl.count, perplexity: Math.exp(ppl.nll / ppl.count),
    ids_source: idsSource, token_count: ids.length, llama_cpp_tokenizer_agrees: tokenizerAgrees,
    throughput: {tokens_per_second_with_probabilities: ppl.tokensPerSecond,
        tokens_per_second: best.tokensPerSecond, repeats: repeat, threads,
        note: "tokens evaluated (chunks x n_ctx) per wall second; the plain figure asks llama.cpp only for the next-token confidence at the scored positions, the other builds the full probability map in JS"},
    provenance: {peer: "node-llama-cpp " + nlcVersion + " (prebuilt llama.cpp, " + llama.buildType + ", " +
            JSON.stringify(llama.llamaCppRelease) + ")", node: process.version, cpu: os.cpus()[0]?.model,
        date: new Date().toISOString(), command: "node peers/llama-cpp/llama_perplexity.mjs " + argv.join(" ")}
};
const json = JSON.stringify(result, null, 2) + "\n";
if (args.out) fs.writeFileSync(args.out, json); else process.stdout.write(json);
await context.dispose();
await model.dispose();
await llama.dispose();
