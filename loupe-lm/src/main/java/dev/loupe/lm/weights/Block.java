package dev.loupe.lm.weights;

import java.util.List;

/**
 * One decoder block. LLaMA family: q, k, v separate, {@code gate} set (SwiGLU). GPT-2: {@code qkv} fused and
 * {@code q}, {@code k}, {@code v}, {@code gate} null.
 */
public record Block(Norm attnNorm, Linear q, Linear k, Linear v, Linear qkv, Linear o, Norm mlpNorm, Linear gate,
                    Linear up, Linear down) {
    /** Every linear layer in forward order (the ones calibration observes). */
    public List<Linear> linears() {
        return java.util.stream.Stream.of(q, k, v, qkv, o, gate, up, down).filter(java.util.Objects::nonNull).toList();
    }
}
