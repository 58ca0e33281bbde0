package dev.loupe.compress.bench;

import dev.loupe.compress.gguf.GgmlQuantizer;
import dev.loupe.core.tensor.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Quantization speed of the GGUF writer's types on a seeded N(0, 0.02) matrix, as ratios to Q8_0 (the simplest
 * block, one pass per 32 elements) measured in the same run: reference quantizers and, for the types that have one,
 * the importance-weighted variant (llama.cpp's imatrix path, seeded positive importances). Single-threaded, best of
 * {@code runs}, so a shared machine's noise inflates it least.
 */
public final class GgufQuantizeBenchmark {
    /** One type's best time; {@code weighted}: with importances. */
    public record Row(DType type, boolean weighted, double seconds, double megaWeightsPerSecond, double vsQ8_0) {
    }

    /** The types measured, Q8_0 first (the baseline). */
    public static final List<DType> TYPES = List.of(DType.Q8_0, DType.Q4_0, DType.Q5_0, DType.Q5_1, DType.Q4_K, DType.Q5_K, DType.Q6_K);

    private static volatile int sink;

    private GgufQuantizeBenchmark() {
    }

    public static List<Row> run(int rows, int cols, int runs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] w = new float[rows][cols];
        for (float[] row : w) {
            for (int c = 0; c < cols; c++) {
                row[c] = (float) (gaussian(r) * 0.02);
            }
        }
        float[] imp = new float[cols];
        for (int c = 0; c < cols; c++) {
            imp[c] = (float) Math.exp(gaussian(r));
        }
        List<Row> out = new ArrayList<>();
        double base = 0;
        for (DType t : TYPES) {
            for (boolean weighted : new boolean[]{false, true}) {
                if (weighted && t == DType.Q8_0) {
                    continue; // ggml's Q8_0 ignores importances
                }
                time(t, w, weighted ? imp : null); // warm-up
                double best = Double.POSITIVE_INFINITY;
                for (int k = 0; k < runs; k++) {
                    best = Math.min(best, time(t, w, weighted ? imp : null));
                }
                if (t == DType.Q8_0) {
                    base = best;
                }
                out.add(new Row(t, weighted, best, (double) rows * cols / best / 1e6, best / base));
            }
        }
        return out;
    }

    private static double time(DType t, float[][] w, float[] imp) {
        long t0 = System.nanoTime();
        int acc = 0;
        for (float[] row : w) {
            acc += GgmlQuantizer.quantize(t, row, imp)[0];
        }
        sink = acc;
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
