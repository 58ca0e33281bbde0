package dev.loupe.compress.gguf;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.LoupeQuantized;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Weights a quantizer already put on a float16-scaled symmetric grid (GPTQ with {@code QuantSpec#ggmlGrid}), read
 * from Loupe's quantized safetensors (loupe-core's {@link LoupeQuantized}) one tensor at a time, by the source
 * checkpoint's tensor name, for {@link HfToGguf} to store as {@link #type()}'s blocks through {@link GridBlocks}.
 */
public final class GridWeights implements AutoCloseable {
    private final Checkpoint cp;
    private final Set<String> names;
    private final GgufFileType type;

    private GridWeights(Checkpoint cp, GgufFileType type) {
        this.cp = cp;
        this.names = new HashSet<>(LoupeQuantized.quantizedNames(cp));
        this.type = type;
    }

    /** The quantized weights of {@code safetensors}, to be stored as {@code type} (Q4_0, Q5_0 or Q8_0). */
    public static GridWeights open(Path safetensors, GgufFileType type) {
        return new GridWeights(Checkpoints.open(safetensors), type);
    }

    public GgufFileType type() {
        return type;
    }

    /** Whether the source tensor {@code name} is one of the quantized weights. */
    public boolean has(String name) {
        return name != null && names.contains(name);
    }

    /** Its dequantized values in the source's stored shape: k·d, exactly the quantizer's floats. */
    public float[] values(String name) {
        return LoupeQuantized.dequantize(cp, name);
    }

    /** Its group scales over the [out, in] matrix. */
    public LoupeQuantized.GroupScales scales(String name) {
        return LoupeQuantized.groupScales(cp, name);
    }

    @Override
    public void close() {
        cp.close();
    }
}
