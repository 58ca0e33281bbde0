package dev.loupe.diff.lora;

import dev.loupe.core.tensor.Tensor;

/**
 * One adapted module: its factors A (r × in) and B (out × r) and the scale of ΔW = s·B·A.
 *
 * @param module     the module path inside the adapter, without PEFT's {@code base_model.model.} wrapper
 * @param a          lora_A weight, [r, in]
 * @param b          lora_B weight, [out, r]
 * @param rank       r
 * @param scale      s
 */
public record LoraModule(String module, Tensor a, Tensor b, int rank, double scale) {
    public int out() {
        return (int) b.dim(0);
    }

    public int in() {
        return (int) a.dim(1);
    }

    /** The name of the base weight this module adapts. */
    public String baseWeight() {
        return module + ".weight";
    }
}
