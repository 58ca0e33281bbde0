package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.engine.ParameterizedModel;

/**
 * The default number of directions per batched Hessian-vector product ({@link GradientEvaluator#hessianVectorProducts}),
 * from memory: each direction of a batched run holds about {@link #TENSORS_PER_ACTIVATION} activation-sized float
 * tensors (the forward tangent, the backward tangent, the im2col-sized products and their transposes) for every
 * value of the forward graph, over a data batch (the fixture CNN, batches of 500: peak RSS 1.80 GB with single
 * products, 4.17 GB with 8 directions per run, about 300 MB per direction against 344 MB estimated), plus {@link #ARRAYS_PER_WEIGHT} weight-sized arrays (the direction,
 * its float32 copy, the product in double). The batch is the largest k up to {@link #MAX} whose directions fit in
 * {@link #BUDGET}, and at most {@link #UNROUTED_MAX} unless that reaches a pooled layer's route; unknown sizes
 * (symbolic sequence lengths) count 512 per axis.
 */
public final class HvpBatchSize {
    /**
     * Bytes the k directions of one batched run may take: a quarter of the machine's memory, between 1 and 8 GB (3 GB
     * fixed gave 8 directions on the fixture CNN; 16 need 5.5 GB by the estimate below, 4.5 GB peak RSS measured).
     */
    static final long BUDGET = quarterOfMemory(1L << 30, 8L << 30);
    /**
     * Where a pooled layer's route takes from that many directions ({@link HiddenLayerRoute}, {@link SecondLayerRoute}:
     * a pass reads their prepared Q and M once for all): on the fixture CNN 3.4–3.6 forward passes a direction in runs
     * of 16 against 5.7–6.3 in runs of 8 ({@code loupe bench hessian}, quiet machine).
     */
    public static final int MAX = 16;
    /**
     * Elsewhere: past 8 directions the GEMMs on the shared im2col matrices are compute-bound already (ResNet-20, 100
     * samples: 13.1 forward passes a direction in runs of 8, 13.4 in runs of 15, at 8.7 GB peak RSS).
     */
    public static final int UNROUTED_MAX = 8;
    static final int TENSORS_PER_ACTIVATION = 4, ARRAYS_PER_WEIGHT = 3;

    private HvpBatchSize() {
    }

    /** A quarter of the machine's physical memory (12 GB assumed where the JVM cannot tell), clamped to [min, max]. */
    static long quarterOfMemory(long min, long max) {
        long total = java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : 12L << 30;
        return Math.clamp(total / 4, min, max);
    }

    /** @param batch the data batch the products run over (samples per ONNX Runtime run) */
    public static int of(ParameterizedModel m, int batch) {
        StaticShapes s = GradientGraph.shapes(m);
        int fit = (int) Math.min(MAX, BUDGET / Math.max(1, perDirection(m, s, batch)));
        int routed = PoolChain.of(m, s).stream().filter(PoolChain::hidden)
                .mapToInt(PoolChain::minVectors).min().orElse(Integer.MAX_VALUE);
        return Math.max(1, fit >= routed ? fit : Math.min(fit, UNROUTED_MAX));
    }

    /** Estimated bytes one direction of a batched run takes. */
    public static long perDirection(ParameterizedModel m, int batch) {
        return perDirection(m, GradientGraph.shapes(m), batch);
    }

    private static long perDirection(ParameterizedModel m, StaticShapes s, int batch) {
        long floats = 0;
        for (Node n : m.nodes()) {
            long[] d = s.dims(n.outputs().getFirst());
            if (d == null) {
                continue;
            }
            long per = 1;
            for (int i = 1; i < d.length; i++) {
                per *= d[i] > 0 ? d[i] : 512;
            }
            floats += per;
        }
        return TENSORS_PER_ACTIVATION * 4L * floats * Math.max(1, batch) + ARRAYS_PER_WEIGHT * 8L * m.layout().size();
    }
}
