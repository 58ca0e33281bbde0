package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;

/**
 * llama.cpp's per-tensor type choice for the Q4_K_M and Q5_K_M mixtures, ported from src/llama-quant.cpp
 * ({@code llama_tensor_get_type} / {@code llama_tensor_get_type_impl} / {@code tensor_type_fallback}) for the dense
 * architectures Loupe writes (no experts, not Falcon, not 70B): the output matrix (or the token embedding when it is
 * tied to it) gets Q6_K, Q8_0 if its rows are not whole super-blocks; attn_v (and GPT-2's fused attn_qkv, which
 * llama.cpp counts with attn_v) and ffn_down get Q6_K in the layers {@code use_more_bits} picks (the first and last
 * eighth and every third layer between); everything else the default type; then the fallback for rows that are not
 * whole 256-element super-blocks. llama.cpp walks tensors ordered by layer number, so the i-th attn_v is layer i.
 */
public final class LlamaQuantRules {
    private LlamaQuantRules() {
    }

    /** The type of one GGUF tensor under {@code fileType}; {@code layers} = block_count. */
    public static DType typeOf(GgufFileType fileType, String name, long[] shape, int layers, boolean tiedEmbeddings) {
        if (!fileType.mixture()) {
            return fileType.typeOf(name, shape);
        }
        return GgufFileType.fallback(intended(fileType, name, shape, layers, tiedEmbeddings), shape[shape.length - 1]);
    }

    /** The type the rules pick before the fallback for rows that are not whole super-blocks. */
    public static DType intended(GgufFileType fileType, String name, long[] shape, int layers, boolean tiedEmbeddings) {
        if (!GgufFileType.quantizable(name, shape)) {
            return DType.F32;
        }
        if (!fileType.mixture()) {
            return fileType.weightType();
        }
        DType t = fileType.weightType();
        long cols = shape[shape.length - 1];
        int layer = layerOf(name);
        if (name.equals("output.weight") || (tiedEmbeddings && name.equals("token_embd.weight"))) {
            t = cols % t.blockElements() != 0 ? DType.Q8_0 : DType.Q6_K;
        } else if (name.equals("token_embd.weight")) {
            // no rule for Q4_K_M / Q5_K_M
        } else if (name.contains("attn_v.weight") || name.contains("attn_qkv.weight")) {
            if (useMoreBits(layer, layers)) {
                t = DType.Q6_K;
            }
        } else if (name.contains("ffn_down")) {
            if (useMoreBits(layer, layers)) {
                t = DType.Q6_K;
            }
        }
        return t;
    }

    /** llama-quant.cpp {@code use_more_bits}: the first and last eighth of the layers and every third in between. */
    static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }

    private static int layerOf(String name) {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int dot = name.indexOf('.', 4);
        return Integer.parseInt(name.substring(4, dot));
    }
}
