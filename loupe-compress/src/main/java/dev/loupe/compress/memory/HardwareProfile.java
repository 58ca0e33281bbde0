package dev.loupe.compress.memory;

/**
 * A machine as the roofline model sees it.
 *
 * @param name           short id, e.g. "a100"
 * @param bandwidthGBps  sustained memory bandwidth, GB/s (10^9 bytes/s)
 * @param peakTflops     peak arithmetic throughput at the precision the weights are computed in, TFLOP/s
 * @param source         where the numbers come from
 */
public record HardwareProfile(String name, double bandwidthGBps, double peakTflops, String source) {
    public HardwareProfile {
        if (name == null || name.isBlank() || !(bandwidthGBps > 0) || !(peakTflops > 0)) {
            throw new IllegalArgumentException("a hardware profile needs a name, bandwidth > 0 and peak TFLOP/s > 0");
        }
        source = source == null ? "" : source;
    }

    /** Arithmetic intensity (FLOP per byte) above which the machine is compute-bound. */
    public double ridge() {
        return peakTflops * 1e12 / (bandwidthGBps * 1e9);
    }
}
