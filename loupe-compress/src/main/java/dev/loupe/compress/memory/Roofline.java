package dev.loupe.compress.memory;

/**
 * The roofline latency of a workload on a machine (Williams, Waterman, Patterson, CACM 2009): the larger of
 * the time to move its bytes at the sustained bandwidth and the time to do its FLOPs at peak. A lower
 * bound: real kernels reach neither roof.
 *
 * @param profile        the machine
 * @param memorySeconds  bytes / bandwidth
 * @param computeSeconds flops / peak
 * @param seconds        max of the two
 * @param bound          "memory" or "compute"
 */
public record Roofline(HardwareProfile profile, double memorySeconds, double computeSeconds, double seconds, String bound) {
    public static Roofline of(Workload w, HardwareProfile p) {
        double mem = w.bytes() / (p.bandwidthGBps() * 1e9);
        double comp = w.flops() / (p.peakTflops() * 1e12);
        return new Roofline(p, mem, comp, Math.max(mem, comp), mem >= comp ? "memory" : "compute");
    }
}
