package dev.loupe.spectral.result;

/** A tensor that is not analyzed, with the reason (listed in the output; nothing is dropped silently). */
public record SkippedTensor(String tensor, String dtype, long[] shape, String reason) {
    public SkippedTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
