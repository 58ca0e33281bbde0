package dev.loupe.core.format.gguf;

import dev.loupe.core.format.gguf.GgufFixture.Arr;
import dev.loupe.core.tensor.DType;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes {@code src/test/resources/gguf/peer.gguf}, the file that an independent parser
 * (@huggingface/gguf, see the README beside it) read to produce {@code peer.gguf.expected.json}.
 * Run once from loupe-core: {@code java -cp target/classes:target/test-classes
 * dev.loupe.core.format.gguf.MakePeerFixture src/test/resources/gguf/peer.gguf}.
 */
public final class MakePeerFixture {
    private MakePeerFixture() {
    }

    public static void main(String[] args) {
        Random rnd = new Random(2026);
        GgufFixture f = GgufFixture.v3()
                .kv("general.architecture", GgufValueType.STRING, "llama")
                .alignment(64)
                .kv("llama.block_count", GgufValueType.UINT32, 1)
                .kv("llama.rope.freq_base", GgufValueType.FLOAT32, 10000f)
                .kv("general.file_type", GgufValueType.UINT32, 15)
                .kv("test.i8", GgufValueType.INT8, -3)
                .kv("test.u16", GgufValueType.UINT16, 65535)
                .kv("test.i64", GgufValueType.INT64, -1234567890123L)
                .kv("test.f64", GgufValueType.FLOAT64, 0.1)
                .kv("test.bool", GgufValueType.BOOL, false)
                .kv("tokenizer.ggml.tokens", GgufValueType.ARRAY, new Arr(GgufValueType.STRING, List.of("<s>", "</s>", "a", "b")))
                .kv("tokenizer.ggml.scores", GgufValueType.ARRAY, new Arr(GgufValueType.FLOAT32, List.of(0f, -1f, -2.5f, 3f)))
                .kv("tokenizer.ggml.token_type", GgufValueType.ARRAY, new Arr(GgufValueType.INT32, List.of(3, 3, 1, 1)));
        f.tensor("token_embd.weight", DType.F16, new long[]{8, 4}, random(rnd, 64));
        f.tensor("blk.0.ffn_up.weight", DType.Q4_K, new long[]{256, 3}, random(rnd, 3 * 144));
        f.tensor("blk.0.ffn_down.weight", DType.Q6_K, new long[]{256, 2}, random(rnd, 2 * 210));
        f.tensor("blk.0.attn_q.weight", DType.Q8_0, new long[]{32, 5}, random(rnd, 5 * 34));
        f.tensor("blk.0.attn_k.weight", DType.Q4_0, new long[]{64, 2, 2}, random(rnd, 4 * 2 * 18));
        f.tensor("output_norm.weight", DType.F32, new long[]{7}, random(rnd, 28));
        f.write(Path.of(args[0]));
    }

    private static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
