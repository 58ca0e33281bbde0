package dev.loupe.lm.config;

import java.util.Optional;

/**
 * The decoder families Loupe runs. The LLaMA family shares one block (RMSNorm, rotary positions, grouped-query
 * attention, SwiGLU MLP); Qwen2 adds q/k/v biases (found by their tensors, as for LLaMA's optional
 * {@code attention_bias}). GPT-2 is the pre-LN block with learned positions, LayerNorm and tanh-GELU.
 */
public enum Architecture {
    LLAMA("LlamaForCausalLM", "llama"),
    MISTRAL("MistralForCausalLM", "llama"),
    QWEN2("Qwen2ForCausalLM", "qwen2"),
    GPT2("GPT2LMHeadModel", "gpt2");

    private final String hfClass;
    private final String ggufName;

    Architecture(String hfClass, String ggufName) {
        this.hfClass = hfClass;
        this.ggufName = ggufName;
    }

    /** The {@code architectures[0]} entry of a Hugging Face config.json. */
    public String hfClass() {
        return hfClass;
    }

    /** {@code general.architecture} in GGUF (llama.cpp writes Mistral as llama). */
    public String ggufName() {
        return ggufName;
    }

    public boolean isLlamaFamily() {
        return this != GPT2;
    }

    public static Optional<Architecture> fromHf(String cls) {
        for (Architecture a : values()) {
            if (a.hfClass.equals(cls)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public static Optional<Architecture> fromGguf(String name) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
