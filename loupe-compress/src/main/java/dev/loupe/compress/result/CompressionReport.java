package dev.loupe.compress.result;

import dev.loupe.compress.Method;
import dev.loupe.compress.Mode;
import dev.loupe.compress.allocate.AllocationMethod;

import java.util.List;

/**
 * Everything {@code loupe compress} reports.
 *
 * @param source       input checkpoint
 * @param output       written file, or null for a dry run
 * @param mode         prune or quantize
 * @param method       how each layer was compressed
 * @param allocation   how the budget was split across layers
 * @param target       requested mean sparsity or bits
 * @param achieved     achieved parameter-weighted mean (zeros fraction, or bits) over the compressed layers
 * @param layers       per-layer results, model order
 * @param paramsInLayers parameters in the compressed layers
 * @param bytesBefore  size of the input file
 * @param bytesAfter   size of the output file, or the estimated stored size for a dry run
 * @param memory       roofline latency per hardware profile, before and after
 * @param notes        what a reader must know (approximations, containers wider than the bits)
 * @param eval         before/after evaluation, or null
 * @param sensitivity  HAWQ-V2's terms per layer (exact Hessian traces), empty unless the allocation read them
 */
public record CompressionReport(String source, String output, Mode mode, Method method, AllocationMethod allocation,
                                double target, double achieved, List<LayerResult> layers, long paramsInLayers,
                                long bytesBefore, long bytesAfter, List<MemoryRow> memory, List<String> notes,
                                EvalResult eval, List<LayerSensitivity> sensitivity) {
    public CompressionReport {
        sensitivity = sensitivity == null ? List.of() : List.copyOf(sensitivity);
        layers = List.copyOf(layers);
        memory = List.copyOf(memory);
        notes = List.copyOf(notes);
    }

    /** The per-layer quantity the allocation read ("" for uniform): HAWQ-V2's Ω where exact traces were read. */
    public String metricName() {
        return sensitivity.isEmpty() ? allocation.metric() : "Ω = Tr(H)/n·‖ΔW‖²";
    }

    /** Without Hessian sensitivities. */
    public CompressionReport(String source, String output, Mode mode, Method method, AllocationMethod allocation,
                             double target, double achieved, List<LayerResult> layers, long paramsInLayers,
                             long bytesBefore, long bytesAfter, List<MemoryRow> memory, List<String> notes,
                             EvalResult eval) {
        this(source, output, mode, method, allocation, target, achieved, layers, paramsInLayers, bytesBefore, bytesAfter, memory,
                notes, eval, List.of());
    }

    /**
     * One hardware profile's roofline, before and after.
     *
     * @param positions tokens (or samples) per inference assumed
     */
    public record MemoryRow(String profile, double bandwidthGBps, double peakTflops, long positions,
                            double bytesBefore, double bytesAfter, double flops, double intensityBefore,
                            double intensityAfter, double secondsBefore, double secondsAfter, String boundAfter) {
    }
}
