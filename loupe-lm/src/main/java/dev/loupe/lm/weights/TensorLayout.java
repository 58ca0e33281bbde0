package dev.loupe.lm.weights;

/**
 * Tensor names per source. Hugging Face: transformers' module paths ({@code model.layers.N.self_attn.q_proj},
 * GPT-2's {@code h.N.attn.c_attn}, optionally under {@code transformer.}). GGUF: llama.cpp's
 * (gguf-py/gguf/constants.py {@code TENSOR_NAMES}).
 */
enum TensorLayout {
    HF_LLAMA, HF_GPT2, GGUF;

    enum Role { EMBED, POSITIONS, FINAL_NORM, HEAD, ROPE_FREQS, ATTN_NORM, Q, K, V, QKV, O, MLP_NORM, GATE, UP, DOWN }

    /** The weight's name for {@code role} in block {@code layer} (ignored for model-level roles). */
    String name(Role role, int layer, String prefix) {
        return switch (this) {
            case HF_LLAMA -> {
                String b = "model.layers." + layer + ".";
                yield switch (role) {
                    case EMBED -> "model.embed_tokens.weight";
                    case FINAL_NORM -> "model.norm.weight";
                    case HEAD -> "lm_head.weight";
                    case ATTN_NORM -> b + "input_layernorm.weight";
                    case Q -> b + "self_attn.q_proj.weight";
                    case K -> b + "self_attn.k_proj.weight";
                    case V -> b + "self_attn.v_proj.weight";
                    case O -> b + "self_attn.o_proj.weight";
                    case MLP_NORM -> b + "post_attention_layernorm.weight";
                    case GATE -> b + "mlp.gate_proj.weight";
                    case UP -> b + "mlp.up_proj.weight";
                    case DOWN -> b + "mlp.down_proj.weight";
                    default -> null;
                };
            }
            case HF_GPT2 -> {
                String b = prefix + "h." + layer + ".";
                yield switch (role) {
                    case EMBED -> prefix + "wte.weight";
                    case POSITIONS -> prefix + "wpe.weight";
                    case FINAL_NORM -> prefix + "ln_f.weight";
                    case HEAD -> "lm_head.weight";
                    case ATTN_NORM -> b + "ln_1.weight";
                    case QKV -> b + "attn.c_attn.weight";
                    case O -> b + "attn.c_proj.weight";
                    case MLP_NORM -> b + "ln_2.weight";
                    case UP -> b + "mlp.c_fc.weight";
                    case DOWN -> b + "mlp.c_proj.weight";
                    default -> null;
                };
            }
            case GGUF -> {
                String b = "blk." + layer + ".";
                yield switch (role) {
                    case EMBED -> "token_embd.weight";
                    case POSITIONS -> "position_embd.weight";
                    case FINAL_NORM -> "output_norm.weight";
                    case HEAD -> "output.weight";
                    case ROPE_FREQS -> "rope_freqs.weight";
                    case ATTN_NORM -> b + "attn_norm.weight";
                    case Q -> b + "attn_q.weight";
                    case K -> b + "attn_k.weight";
                    case V -> b + "attn_v.weight";
                    case QKV -> b + "attn_qkv.weight";
                    case O -> b + "attn_output.weight";
                    case MLP_NORM -> b + "ffn_norm.weight";
                    case GATE -> b + "ffn_gate.weight";
                    case UP -> b + "ffn_up.weight";
                    case DOWN -> b + "ffn_down.weight";
                };
            }
        };
    }
}
