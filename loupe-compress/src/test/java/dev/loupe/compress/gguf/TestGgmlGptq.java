package dev.loupe.compress.gguf;

import dev.loupe.compress.obs.InverseHessian;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.quant.GgmlDequantizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPTQ on ggml's fixed block grids: the written blocks, dequantized by Loupe's GGUF reader (ggml's dequantize_row_*
 * arithmetic, byte-checked against ggml in TestKQuants and TestHfToGguf), are bit for bit the weights GPTQ chose; its
 * layer error tr((W − Q)·XᵀX·(W − Q)ᵀ) is below round-to-nearest's on the same grid; and round-to-nearest on the fixed
 * K-quant grid is ggml's own quantization (whose last step rounds each weight to the fixed scales and mins).
 */
class TestGgmlGptq {
    private static final int ROWS = 6;
    private static final int COLS = 512;
    private static final int TOKENS = 700;

    @ParameterizedTest
    @CsvSource({"Q4_K,false", "Q4_K,true", "Q5_K,false", "Q5_K,true", "Q6_K,false", "Q6_K,true", "Q4_0,false", "Q4_0,true",
            "Q5_0,true", "Q5_1,false", "Q5_1,true", "Q8_0,false"})
    void blocksHoldGptqsWeightsAndBeatRoundToNearest(DType type, boolean imatrix) {
        Random rnd = new Random(type.ordinal() * 2 + (imatrix ? 1 : 0));
        float[] w = new float[ROWS * COLS];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * 0.05 * (i % 37 == 0 ? 6 : 1));
        }
        // correlated inputs with unequal scales, as a transformer layer's: x = z·M with a banded mixing M
        double[] x = new double[TOKENS * COLS];
        for (int t = 0; t < TOKENS; t++) {
            double prev = 0;
            for (int c = 0; c < COLS; c++) {
                prev = 0.7 * prev + rnd.nextGaussian();
                x[t * COLS + c] = prev * (1 + c % 7);
            }
        }
        double[] xtx = new double[COLS * COLS];
        for (int t = 0; t < TOKENS; t++) {
            for (int a = 0; a < COLS; a++) {
                double xa = x[t * COLS + a];
                for (int b = 0; b < COLS; b++) {
                    xtx[a * COLS + b] += xa * x[t * COLS + b];
                }
            }
        }
        float[] importance = null;
        if (imatrix) {
            importance = new float[COLS];
            for (int c = 0; c < COLS; c++) {
                importance[c] = (float) (xtx[c * COLS + c] / TOKENS);
            }
        }
        GgmlGptq.Result gptq = GgmlGptq.quantize(type, w, ROWS, COLS, importance,
                InverseHessian.of(xtx, COLS, InverseHessian.DEFAULT_DAMPENING, false), 128);
        GgmlGptq.Result rtn = GgmlGptq.roundToNearest(type, w, ROWS, COLS, importance);
        for (GgmlGptq.Result r : new GgmlGptq.Result[] {gptq, rtn}) {
            assertEquals(type.byteSize(w.length), r.blocks().length);
            float[] back = dequantize(type, r.blocks(), w.length);
            for (int i = 0; i < w.length; i++) {
                assertEquals(Float.floatToRawIntBits(r.weights()[i]), Float.floatToRawIntBits(back[i]), type + " element " + i);
            }
        }
        double eGptq = layerError(w, gptq.weights(), xtx);
        double eRtn = layerError(w, rtn.weights(), xtx);
        assertTrue(eGptq < 0.9 * eRtn, type + ": GPTQ " + eGptq + " vs round-to-nearest " + eRtn);
        if (type == DType.Q4_K || type == DType.Q5_K || type == DType.Q6_K) {
            float[] ggml = dequantize(type, GgmlQuantizer.quantize(type, w, importance == null ? null : tile(importance)), w.length);
            for (int i = 0; i < w.length; i++) {
                assertEquals(ggml[i], rtn.weights()[i], type + " element " + i);
            }
        }
    }

    /** The importances of one row repeated for every row, since {@link GgmlQuantizer#quantize} takes one per value. */
    private static float[] tile(float[] row) {
        float[] t = new float[ROWS * COLS];
        for (int r = 0; r < ROWS; r++) {
            System.arraycopy(row, 0, t, r * COLS, COLS);
        }
        return t;
    }

    private static float[] dequantize(DType type, byte[] blocks, int n) {
        float[] back = new float[n];
        GgmlDequantizer.dequantize(type, MemorySegment.ofArray(blocks), 0, back, 0, n);
        return back;
    }

    /** tr(Δ·XᵀX·Δᵀ) with Δ = W − Q, summed directly over rows. */
    private static double layerError(float[] w, float[] q, double[] xtx) {
        double e = 0;
        for (int r = 0; r < ROWS; r++) {
            for (int a = 0; a < COLS; a++) {
                double da = w[r * COLS + a] - q[r * COLS + a];
                for (int b = 0; b < COLS; b++) {
                    e += da * xtx[a * COLS + b] * (w[r * COLS + b] - q[r * COLS + b]);
                }
            }
        }
        return e;
    }
}
