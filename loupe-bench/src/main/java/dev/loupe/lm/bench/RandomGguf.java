package dev.loupe.lm.bench;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Writes a LLaMA-shaped GGUF with random weights (seeded) for the benchmark: llama.cpp's tensor names and metadata
 * keys, F16 or F32 matrices, F32 norms, and a byte-level "gpt2" vocabulary (the 256 byte symbols, no merges, filler
 * tokens up to the vocabulary size) that both llama.cpp and Loupe tokenize text with. The layout is the GGUF spec's
 * (ggml docs/gguf.md): header, key/values, tensor infos, data aligned to 32 bytes.
 */
final class RandomGguf {
    private static final int ALIGN = 32;

    /** A TinyLlama-1.1B-shaped model (d 2048, 22 layers, 32 heads / 4 KV heads, FFN 5632, vocabulary 32000). */
    record Shape(int vocab, int hidden, int layers, int heads, int kvHeads, int ffn, int context) {
        static final Shape TINYLLAMA = new Shape(32000, 2048, 22, 32, 4, 5632, 2048);

        long parameters() {
            int hd = hidden / heads;
            long block = 2L * hidden * heads * hd + 2L * hidden * kvHeads * hd + 3L * hidden * ffn + 2L * hidden;
            return 2L * vocab * hidden + layers * block + hidden;
        }
    }

    private record Info(String name, long[] ne, boolean matrix) {
        long count() {
            long n = 1;
            for (long d : ne) {
                n *= d;
            }
            return n;
        }
    }

    private RandomGguf() {
    }

    /** Writes the model; {@code f16} stores matrices as F16 (else F32). */
    static void write(Path file, Shape s, boolean f16, long seed) {
        int hd = s.hidden() / s.heads();
        List<Info> infos = new ArrayList<>();
        infos.add(new Info("token_embd.weight", new long[]{s.hidden(), s.vocab()}, true));
        for (int i = 0; i < s.layers(); i++) {
            String b = "blk." + i + ".";
            infos.add(new Info(b + "attn_norm.weight", new long[]{s.hidden()}, false));
            infos.add(new Info(b + "attn_q.weight", new long[]{s.hidden(), (long) s.heads() * hd}, true));
            infos.add(new Info(b + "attn_k.weight", new long[]{s.hidden(), (long) s.kvHeads() * hd}, true));
            infos.add(new Info(b + "attn_v.weight", new long[]{s.hidden(), (long) s.kvHeads() * hd}, true));
            infos.add(new Info(b + "attn_output.weight", new long[]{(long) s.heads() * hd, s.hidden()}, true));
            infos.add(new Info(b + "ffn_norm.weight", new long[]{s.hidden()}, false));
            infos.add(new Info(b + "ffn_gate.weight", new long[]{s.hidden(), s.ffn()}, true));
            infos.add(new Info(b + "ffn_up.weight", new long[]{s.hidden(), s.ffn()}, true));
            infos.add(new Info(b + "ffn_down.weight", new long[]{s.ffn(), s.hidden()}, true));
        }
        infos.add(new Info("output_norm.weight", new long[]{s.hidden()}, false));
        infos.add(new Info("output.weight", new long[]{s.hidden(), s.vocab()}, true));

        Le h = new Le();
        h.bytes("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(infos.size());
        List<String> tokens = vocabulary(s.vocab());
        List<Runnable> kvs = new ArrayList<>();
        kvs.add(() -> h.str("general.architecture").u32(8).str("llama"));
        kvs.add(() -> h.str("general.name").u32(8).str("loupe-bench-random"));
        kvs.add(() -> h.str("general.file_type").u32(4).u32(f16 ? 1 : 0));
        kvs.add(() -> h.str("llama.context_length").u32(4).u32(s.context()));
        kvs.add(() -> h.str("llama.embedding_length").u32(4).u32(s.hidden()));
        kvs.add(() -> h.str("llama.block_count").u32(4).u32(s.layers()));
        kvs.add(() -> h.str("llama.feed_forward_length").u32(4).u32(s.ffn()));
        kvs.add(() -> h.str("llama.attention.head_count").u32(4).u32(s.heads()));
        kvs.add(() -> h.str("llama.attention.head_count_kv").u32(4).u32(s.kvHeads()));
        kvs.add(() -> h.str("llama.rope.dimension_count").u32(4).u32(hd));
        kvs.add(() -> h.str("llama.rope.freq_base").u32(6).f32(10000f));
        kvs.add(() -> h.str("llama.attention.layer_norm_rms_epsilon").u32(6).f32(1e-5f));
        kvs.add(() -> h.str("tokenizer.ggml.model").u32(8).str("gpt2"));
        kvs.add(() -> h.str("tokenizer.ggml.pre").u32(8).str("default"));
        kvs.add(() -> {
            h.str("tokenizer.ggml.tokens").u32(9).u32(8).u64(tokens.size());
            tokens.forEach(h::str);
        });
        kvs.add(() -> {
            h.str("tokenizer.ggml.token_type").u32(9).u32(5).u64(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                h.u32(1);
            }
        });
        kvs.add(() -> h.str("tokenizer.ggml.merges").u32(9).u32(8).u64(0));
        kvs.add(() -> h.str("tokenizer.ggml.bos_token_id").u32(4).u32(0));
        kvs.add(() -> h.str("tokenizer.ggml.eos_token_id").u32(4).u32(0));
        kvs.add(() -> h.str("tokenizer.ggml.add_bos_token").u32(7).u8(0));
        h.u64(kvs.size());
        kvs.forEach(Runnable::run);
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Info t : infos) {
            h.str(t.name()).u32(t.ne().length);
            for (long d : t.ne()) {
                h.u64(d);
            }
            int type = t.matrix() && f16 ? 1 : 0;
            h.u32(type).u64(offset);
            offsets.add(offset);
            offset = align(offset + t.count() * (type == 1 ? 2 : 4));
        }
        while (h.size() % ALIGN != 0) {
            h.u8(0);
        }
        long dataStart = h.size();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(h.toByteArray()));
            for (int i = 0; i < infos.size(); i++) {
                writeTensor(ch, dataStart + offsets.get(i), infos.get(i), f16, seed + i);
            }
        } catch (IOException e) {
            throw new LoupeException(file, "cannot write the benchmark model: " + e.getMessage(), e);
        }
    }

    /** Values N(0, 0.02²)-ish (uniform of that spread: cheap), norms 1; written in parallel slabs. */
    private static void writeTensor(FileChannel ch, long at, Info t, boolean f16, long seed) throws IOException {
        boolean half = t.matrix() && f16;
        int width = half ? 2 : 4;
        long n = t.count();
        int slab = 1 << 22;
        int slabs = (int) ((n + slab - 1) / slab);
        IOException[] failure = new IOException[1];
        IntStream.range(0, slabs).parallel().forEach(k -> {
            long from = (long) k * slab;
            int len = (int) Math.min(slab, n - from);
            ByteBuffer b = ByteBuffer.allocate(len * width).order(ByteOrder.LITTLE_ENDIAN);
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + k);
            for (int i = 0; i < len; i++) {
                float v = t.matrix() ? (float) ((r.nextDouble() - 0.5) * 0.07) : 1f;
                if (half) {
                    b.putShort(Float.floatToFloat16(v));
                } else {
                    b.putFloat(v);
                }
            }
            b.flip();
            try {
                long p = at + from * width;
                while (b.hasRemaining()) {
                    p += ch.write(b, p);
                }
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** GPT-2's 256 byte symbols (bytes_to_unicode), then filler tokens. */
    static List<String> vocabulary(int size) {
        List<String> out = new ArrayList<>();
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            bs.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            bs.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            bs.add(b);
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            out.add(bs.contains(b) ? String.valueOf((char) b) : String.valueOf((char) (256 + extra++)));
        }
        for (int i = out.size(); i < size; i++) {
            out.add("<filler" + i + ">");
        }
        return out;
    }

    private static long align(long p) {
        return (p + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** Little-endian bytes. */
    private static final class Le extends java.io.ByteArrayOutputStream {
        Le u8(int v) {
            write(v);
            return this;
        }

        Le u32(int v) {
            for (int i = 0; i < 4; i++) {
                write(v >>> (8 * i));
            }
            return this;
        }

        Le u64(long v) {
            for (int i = 0; i < 8; i++) {
                write((int) (v >>> (8 * i)));
            }
            return this;
        }

        Le f32(float v) {
            return u32(Float.floatToRawIntBits(v));
        }

        Le bytes(byte[] b) {
            write(b, 0, b.length);
            return this;
        }

        Le str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            return bytes(b);
        }
    }
}
