package dev.loupe.compress.memory;

/**
 * What one inference moves and computes, summed over the model.
 *
 * @param weightBytes     weight bytes read (each weight once per inference: a batch shares the read)
 * @param activationBytes activation bytes read and written (approximate: each linear layer's input and output, fp32)
 * @param flops           floating-point operations (2 per multiply-add)
 */
public record Workload(double weightBytes, double activationBytes, double flops) {
    public double bytes() {
        return weightBytes + activationBytes;
    }

    /** FLOP per byte moved. */
    public double intensity() {
        return bytes() == 0 ? 0 : flops / bytes();
    }

    /**
     * The workload of linear layers applied at {@code positions} positions (tokens, or 1 for an MLP on one
     * sample): a layer of P = out·in parameters stored at b bits per weight moves P·b/8 weight bytes,
     * (in + out)·positions·4 activation bytes and does 2·P·positions FLOPs. For a conv, positions is the
     * number of output pixels, which this approximation takes equal for all layers.
     */
    public static Workload linear(long[] rows, long[] cols, double[] storedBytes, long positions) {
        double w = 0;
        double a = 0;
        double f = 0;
        for (int i = 0; i < rows.length; i++) {
            w += storedBytes[i];
            a += 4.0 * (rows[i] + cols[i]) * positions;
            f += 2.0 * rows[i] * cols[i] * positions;
        }
        return new Workload(w, a, f);
    }

    /** This workload plus {@code bytes} more weight bytes (tensors outside the linear layers). */
    public Workload plusWeights(double bytes) {
        return new Workload(weightBytes + bytes, activationBytes, flops);
    }
}
