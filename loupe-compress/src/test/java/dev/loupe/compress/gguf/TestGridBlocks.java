package dev.loupe.compress.gguf;

import dev.loupe.compress.gptq.Gptq;
import dev.loupe.compress.gptq.GptqSpec;
import dev.loupe.compress.quantize.Grid;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.quant.GgmlDequantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPTQ's codes on ggml's grid packed as GGUF blocks: dequantized by Loupe's GGUF reader (ggml's dequantize_row_*
 * arithmetic, byte-checked against ggml elsewhere) they are bit for bit the weights GPTQ chose.
 */
class TestGridBlocks {
    @ParameterizedTest
    @CsvSource({"4,32,Q4_0", "4,64,Q4_0", "4,0,Q4_0", "5,32,Q5_0", "8,32,Q8_0", "8,128,Q8_0"})
    void gptqCodesRoundTripExactly(int bits, int group, DType type) throws IOException {
        int rows = 12;
        int cols = 128;
        int tokens = 400;
        Random rnd = new Random(bits * 100 + group);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * 0.05 * (i % 37 == 0 ? 8 : 1));
        }
        double[] x = new double[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian() * (1 + (i % cols) % 5);
        }
        double[] xtx = new double[cols * cols];
        for (int t = 0; t < tokens; t++) {
            for (int a = 0; a < cols; a++) {
                for (int b = 0; b < cols; b++) {
                    xtx[a * cols + b] += x[t * cols + a] * x[t * cols + b];
                }
            }
        }
        QuantSpec spec = new QuantSpec(bits, true, group, true);
        QuantizedMatrix q = Gptq.quantize(w, rows, cols, xtx, GptqSpec.of(spec, false)).matrix();
        float[] chosen = q.dequantize();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GridBlocks.writeRows(out, type, chosen, cols, q.scales(), spec.groupLength(cols));
        byte[] bytes = out.toByteArray();
        assertEquals(type.byteSize(w.length), bytes.length);
        float[] back = new float[w.length];
        GgmlDequantizer.dequantize(type, MemorySegment.ofArray(bytes), 0, back, 0, back.length);
        boolean usesExtraLevel = false;
        for (int i = 0; i < w.length; i++) {
            assertEquals(Float.floatToRawIntBits(chosen[i]), Float.floatToRawIntBits(back[i]), "element " + i);
            usesExtraLevel |= q.codes()[i] == -(1 << (bits - 1));
        }
        // Q4_0/Q5_0's full range: the level −8 (−16) is used, as ggml's own grid does; Q8_0 stays within ±127
        assertEquals(bits != 8, usesExtraLevel);
    }

    /** Hand-worked grids: ggml's d = (signed extreme) / −8 in float, then float16 (nearest even). */
    @Test
    void ggmlGridScales() {
        QuantSpec q4 = new QuantSpec(4, true, 32, true);
        // the extreme is negative: d = −1 / −8 = 0.125 (exact in float16); codes −8 .. 7
        assertEquals(new Grid(0.125f, 0), Grid.of(-1.0, 0.5, q4));
        // the extreme is positive: d = 1 / −8 < 0, so 1.0 is level −8
        Grid g = Grid.of(-0.5, 1.0, q4);
        assertEquals(-0.125f, g.scale());
        assertEquals(-8, g.code(1.0, q4));
        assertEquals(7, g.code(-1.0, q4)); // clamped: −1 would be level 8
        // 0.3 / −8 = −0.0375 is not a float16: the nearest is −0.037506103515625 (= −1229 · 2^−15)
        assertEquals(-1229 * 0x1p-15f, Grid.of(0, 0.3, q4).scale());
        // Q8_0: d = max|w| / 127 in float16, codes within ±127
        QuantSpec q8 = new QuantSpec(8, true, 32, true);
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(2f / 127)), Grid.of(-2.0, 1.0, q8).scale());
        assertEquals(-127, q8.qmin());
        assertEquals(-8, q4.qmin());
        assertEquals(-7, new QuantSpec(4, true, 32).qmin());
    }

    @Test
    void aValueOffTheGridIsABug() {
        float[] row = new float[32];
        row[3] = 0.3f; // not k · 0.125
        float[] d = {0.125f};
        assertThrows(IllegalArgumentException.class, () -> GridBlocks.pack(DType.Q4_0, row, 0, 32, d));
        row[3] = 1.0f; // k = 8: beyond Q4_0's levels
        assertThrows(IllegalArgumentException.class, () -> GridBlocks.pack(DType.Q4_0, row, 0, 32, d));
        row[3] = -1.0f; // k = −8: Q4_0's level 0
        byte[] b = GridBlocks.pack(DType.Q4_0, row, 0, 32, d);
        // d = 0.125 as float16 0x3000 (little-endian); byte 3 holds element 3 (level 0) low and element 19 (0.0: level 8) high
        assertEquals(0x00, b[0] & 0xFF);
        assertEquals(0x30, b[1] & 0xFF);
        assertEquals(0x80, b[2 + 3] & 0xFF);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GridBlocks.pack(DType.Q4_0, row, 0, 32, new float[] {0.1f}))
                .getMessage().contains("float16"));
    }
}
