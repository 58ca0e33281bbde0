package dev.loupe.lm;

import dev.loupe.core.format.gguf.GgufFixture;
import dev.loupe.core.format.gguf.GgufValueType;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny random decoder LM held as plain [out][in] matrices, written as a Hugging Face folder or a GGUF file in each
 * format's own layout (GPT-2 Conv1D transposed, llama.cpp's Q/K row permutation), and run by {@link NaiveDecoder}.
 */
final class TinyLm {
    final boolean gpt2;
    final int vocab;
    final int d;
    final int layers;
    final int heads;
    final int kvHeads;
    final int inter;
    final int maxPos;
    final double eps = 1.0 / 1024; // exact in float32, so GGUF's FLOAT32 epsilon equals config.json's
    final double theta = 10000;
    final boolean qkvBias;
    final Map<String, double[][]> w = new LinkedHashMap<>();

    TinyLm(boolean gpt2, int vocab, int d, int layers, int heads, int kvHeads, int inter, int maxPos, boolean qkvBias, long seed) {
        this.gpt2 = gpt2;
        this.vocab = vocab;
        this.d = d;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.inter = inter;
        this.maxPos = maxPos;
        this.qkvBias = qkvBias;
        Random r = new Random(seed);
        int hd = d / heads;
        put("embed", vocab, d, r, 1.0);
        if (gpt2) {
            put("pos", maxPos, d, r, 0.3);
        }
        for (int i = 0; i < layers; i++) {
            String b = "l" + i + ".";
            norm(b + "n1", r);
            norm(b + "n2", r);
            if (gpt2) {
                put(b + "qkv", 3 * d, d, r, 0.4);
                put(b + "qkv.b", 1, 3 * d, r, 0.1);
                put(b + "o.b", 1, d, r, 0.1);
                put(b + "up.b", 1, inter, r, 0.1);
                put(b + "down.b", 1, d, r, 0.1);
            } else {
                put(b + "q", heads * hd, d, r, 0.4);
                put(b + "k", kvHeads * hd, d, r, 0.4);
                put(b + "v", kvHeads * hd, d, r, 0.4);
                if (qkvBias) {
                    put(b + "q.b", 1, heads * hd, r, 0.2);
                    put(b + "k.b", 1, kvHeads * hd, r, 0.2);
                    put(b + "v.b", 1, kvHeads * hd, r, 0.2);
                }
                put(b + "gate", inter, d, r, 0.4);
            }
            put(b + "o", d, heads * hd, r, 0.4);
            put(b + "up", inter, d, r, 0.4);
            put(b + "down", d, inter, r, 0.3);
        }
        norm("nf", r);
        put("head", vocab, d, r, 0.5);
    }

    static TinyLm llama(long seed) {
        return new TinyLm(false, 23, 16, 2, 4, 2, 24, 64, false, seed);
    }

    static TinyLm gpt2(long seed) {
        return new TinyLm(true, 19, 12, 2, 3, 3, 20, 64, false, seed);
    }

    private void put(String name, int rows, int cols, Random r, double scale) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) (r.nextGaussian() * scale); // float-exact, so every format stores the same numbers
            }
        }
        w.put(name, m);
    }

    private void norm(String name, Random r) {
        double[][] m = new double[1][d];
        for (int j = 0; j < d; j++) {
            m[0][j] = (float) (1 + 0.2 * r.nextGaussian());
        }
        w.put(name, m);
        if (gpt2) {
            put(name + ".b", 1, d, r, 0.1);
        }
    }

    /** The Hugging Face folder (config.json + model.safetensors, untied head). */
    Path writeHf(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), gpt2 ? """
                    {"architectures": ["GPT2LMHeadModel"], "vocab_size": %d, "n_embd": %d, "n_layer": %d, "n_head": %d,
                     "n_inner": %d, "n_positions": %d, "layer_norm_epsilon": %s, "activation_function": "gelu_new",
                     "tie_word_embeddings": false}""".formatted(vocab, d, layers, heads, inter, maxPos, eps) : """
                    {"architectures": ["%s"], "vocab_size": %d, "hidden_size": %d, "num_hidden_layers": %d,
                     "num_attention_heads": %d, "num_key_value_heads": %d, "intermediate_size": %d,
                     "max_position_embeddings": %d, "rms_norm_eps": %s, "rope_theta": %s, "hidden_act": "silu",
                     "tie_word_embeddings": false}""".formatted(qkvBias ? "Qwen2ForCausalLM" : "LlamaForCausalLM", vocab, d,
                    layers, heads, kvHeads, inter, maxPos, eps, theta));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Tensor> ts = new ArrayList<>();
        if (gpt2) {
            ts.add(f32("transformer.wte.weight", w.get("embed"), false));
            ts.add(f32("transformer.wpe.weight", w.get("pos"), false));
            for (int i = 0; i < layers; i++) {
                String s = "l" + i + ".";
                String b = "transformer.h." + i + ".";
                normHf(ts, b + "ln_1", s + "n1");
                normHf(ts, b + "ln_2", s + "n2");
                linearHf(ts, b + "attn.c_attn", s + "qkv", true);
                linearHf(ts, b + "attn.c_proj", s + "o", true);
                linearHf(ts, b + "mlp.c_fc", s + "up", true);
                linearHf(ts, b + "mlp.c_proj", s + "down", true);
            }
            normHf(ts, "transformer.ln_f", "nf");
        } else {
            ts.add(f32("model.embed_tokens.weight", w.get("embed"), false));
            for (int i = 0; i < layers; i++) {
                String s = "l" + i + ".";
                String b = "model.layers." + i + ".";
                normHf(ts, b + "input_layernorm", s + "n1");
                normHf(ts, b + "post_attention_layernorm", s + "n2");
                for (String p : new String[]{"q", "k", "v", "o"}) {
                    linearHf(ts, b + "self_attn." + p + "_proj", s + p, false);
                }
                for (String p : new String[]{"gate", "up", "down"}) {
                    linearHf(ts, b + "mlp." + p + "_proj", s + p, false);
                }
            }
            normHf(ts, "model.norm", "nf");
        }
        ts.add(f32("lm_head.weight", w.get("head"), false));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), ts, Map.of());
        return dir;
    }

    private void normHf(List<Tensor> ts, String name, String key) {
        ts.add(f32(name + ".weight", w.get(key), false));
        if (w.containsKey(key + ".b")) {
            ts.add(f32(name + ".bias", w.get(key + ".b"), false));
        }
    }

    private void linearHf(List<Tensor> ts, String name, String key, boolean conv1d) {
        ts.add(f32(name + ".weight", w.get(key), conv1d));
        if (w.containsKey(key + ".b")) {
            ts.add(f32(name + ".bias", w.get(key + ".b"), false));
        }
    }

    /** The same weights as a GGUF file in llama.cpp's layout, tensors of the given plain/ggml type. */
    Path writeGguf(Path file, DType matrixType) {
        String arch = gpt2 ? "gpt2" : qkvBias ? "qwen2" : "llama";
        GgufFixture g = GgufFixture.v3().kv("general.architecture", GgufValueType.STRING, arch)
                .kv(arch + ".context_length", GgufValueType.UINT32, maxPos)
                .kv(arch + ".embedding_length", GgufValueType.UINT32, d)
                .kv(arch + ".block_count", GgufValueType.UINT32, layers)
                .kv(arch + ".feed_forward_length", GgufValueType.UINT32, inter)
                .kv(arch + ".attention.head_count", GgufValueType.UINT32, heads);
        if (gpt2) {
            g.kv("gpt2.attention.layer_norm_epsilon", GgufValueType.FLOAT32, eps);
        } else {
            g.kv(arch + ".attention.head_count_kv", GgufValueType.UINT32, kvHeads)
                    .kv(arch + ".attention.layer_norm_rms_epsilon", GgufValueType.FLOAT32, eps)
                    .kv(arch + ".rope.freq_base", GgufValueType.FLOAT32, theta);
        }
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < vocab; i++) {
            tokens.add("t" + i);
        }
        g.kv("tokenizer.ggml.tokens", GgufValueType.ARRAY, new GgufFixture.Arr(GgufValueType.STRING, tokens));
        gg(g, "token_embd.weight", w.get("embed"), matrixType);
        if (gpt2) {
            gg(g, "position_embd.weight", w.get("pos"), DType.F32);
        }
        int hd = d / heads;
        for (int i = 0; i < layers; i++) {
            String s = "l" + i + ".";
            String b = "blk." + i + ".";
            gg(g, b + "attn_norm.weight", w.get(s + "n1"), DType.F32);
            gg(g, b + "ffn_norm.weight", w.get(s + "n2"), DType.F32);
            if (gpt2) {
                gg(g, b + "attn_norm.bias", w.get(s + "n1.b"), DType.F32);
                gg(g, b + "ffn_norm.bias", w.get(s + "n2.b"), DType.F32);
                ggLinear(g, b + "attn_qkv", s + "qkv", matrixType);
            } else {
                gg(g, b + "attn_q.weight", qkvBias ? w.get(s + "q") : permute(w.get(s + "q"), heads, hd), matrixType);
                gg(g, b + "attn_k.weight", qkvBias ? w.get(s + "k") : permute(w.get(s + "k"), kvHeads, hd), matrixType);
                gg(g, b + "attn_v.weight", w.get(s + "v"), matrixType);
                if (qkvBias) {
                    for (String p : new String[]{"q", "k", "v"}) {
                        gg(g, b + "attn_" + p + ".bias", w.get(s + p + ".b"), DType.F32);
                    }
                }
                gg(g, b + "ffn_gate.weight", w.get(s + "gate"), matrixType);
            }
            ggLinear(g, b + "attn_output", s + "o", matrixType);
            ggLinear(g, b + "ffn_up", s + "up", matrixType);
            ggLinear(g, b + "ffn_down", s + "down", matrixType);
        }
        gg(g, "output_norm.weight", w.get("nf"), DType.F32);
        if (gpt2) {
            gg(g, "output_norm.bias", w.get("nf.b"), DType.F32);
        }
        gg(g, "output.weight", w.get("head"), matrixType);
        return g.write(file);
    }

    private void ggLinear(GgufFixture g, String name, String key, DType type) {
        gg(g, name + ".weight", w.get(key), type);
        if (w.containsKey(key + ".b")) {
            gg(g, name + ".bias", w.get(key + ".b"), DType.F32);
        }
    }

    /** convert_hf_to_gguf.py LlamaModel.permute: rows (h, j, i) -> (h, i, j) within each head. */
    static double[][] permute(double[][] m, int nHead, int hd) {
        double[][] out = new double[m.length][];
        for (int h = 0; h < nHead; h++) {
            for (int i = 0; i < hd / 2; i++) {
                for (int j = 0; j < 2; j++) {
                    out[h * hd + 2 * i + j] = m[h * hd + j * (hd / 2) + i];
                }
            }
        }
        return out;
    }

    private static void gg(GgufFixture g, String name, double[][] m, DType type) {
        double[] flat = flat(m, false);
        long[] ne = m.length == 1 ? new long[]{m[0].length} : new long[]{m[0].length, m.length};
        g.tensor(name, ne.length == 1 ? DType.F32 : type, ne, GgufFixture.encode(ne.length == 1 ? DType.F32 : type, flat));
    }

    private static Tensor f32(String name, double[][] m, boolean transpose) {
        double[] flat = flat(m, transpose);
        ByteBuffer b = ByteBuffer.allocate(4 * flat.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : flat) {
            b.putFloat((float) v);
        }
        long[] shape = m.length == 1 ? new long[]{m[0].length} : transpose ? new long[]{m[0].length, m.length}
                : new long[]{m.length, m[0].length};
        return Tensor.contiguous(name, DType.F32, shape, MemorySegment.ofArray(b.array()), null);
    }

    private static double[] flat(double[][] m, boolean transpose) {
        int r = m.length;
        int c = m[0].length;
        double[] out = new double[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[transpose ? j * r + i : i * c + j] = m[i][j];
            }
        }
        return out;
    }
}
