package dev.loupe.compress.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.quant.GgmlDequantizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The K-quant and Q5 ports: byte for byte against ggml's own quantizers (stored output of
 * peers/llama-cpp/ggml_quants_peer.py: ggml_quantize_chunk of node-llama-cpp 3.21.1's libggml-base.so, with and
 * without an importance matrix), a hand-worked Q4_K super-block, and through Loupe's own dequantizer.
 */
class TestKQuants {
    private static final Path PEER = Path.of("../fixtures/lm/llama-cpp/quantize/ggml-quants-peer.json");

    @Test
    void byteIdenticalToGgml() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(PEER.toFile());
        int rows = doc.get("rows").asInt();
        int n = doc.get("n_per_row").asInt();
        float[] x = floats(doc.get("x_f32_le").asText());
        float[] imatrix = floats(doc.get("imatrix_f32_le").asText());
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("quantized").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            boolean weighted = e.getKey().endsWith("_imatrix");
            DType type = DType.valueOf(e.getKey().replace("_imatrix", ""));
            byte[] expected = Base64.getDecoder().decode(e.getValue().asText());
            int rowBytes = (int) type.byteSize(n);
            for (int r = 0; r < rows; r++) {
                byte[] got = GgmlQuantizer.quantize(type, Arrays.copyOfRange(x, r * n, (r + 1) * n), weighted ? imatrix : null);
                assertArrayEquals(Arrays.copyOfRange(expected, r * rowBytes, (r + 1) * rowBytes), got, e.getKey() + " row " + r);
                checked++;
            }
        }
        assertEquals(7 * 2 * rows, checked);
    }

    /**
     * Sub-block j holds the levels 0..15 (twice) times 2^-j: the fit is exact (scale 2^-j, min 0), so the 6-bit
     * scales are nearest_int(63 * 2^-j) = 63, 32 (31.5 to even), 16, 8, 4, 2, 1, 0, d = f16(1/63) = 0x2410, dmin 0,
     * and requantizing against d * scale gives back every level (the last sub-block, scale 0, keeps the fit's levels).
     */
    @Test
    void q4KHandWorkedSuperBlock() {
        float[] x = new float[256];
        for (int j = 0; j < 8; j++) {
            for (int i = 0; i < 32; i++) {
                x[32 * j + i] = (i % 16) * (float) Math.pow(2, -j);
            }
        }
        byte[] b = GgmlQuantizer.quantize(DType.Q4_K, x);
        assertEquals(144, b.length);
        assertEquals(0x2410, u16(b, 0));
        assertEquals(0, u16(b, 2));
        int[] scales = {63, 32, 16, 8, 0, 0, 0, 0, 4, 2, 1, 0};
        for (int k = 0; k < 12; k++) {
            assertEquals(scales[k], b[4 + k] & 0xff, "scale byte " + k);
        }
        for (int k = 0; k < 128; k++) {
            int l = k % 32 % 16; // byte l of each 32-byte group: element l (low nibble) and l + 32 (high), both level l % 16
            assertEquals(l | l << 4, b[16 + k] & 0xff, "qs byte " + k);
        }
        float[] y = new float[256];
        GgmlDequantizer.dequantize(DType.Q4_K, MemorySegment.ofArray(b), 0, y, 0, 256);
        float d = Float.float16ToFloat((short) 0x2410);
        int[] ls = {63, 32, 16, 8, 4, 2, 1, 0};
        for (int i = 0; i < 256; i++) {
            assertEquals(d * ls[i / 32] * (i % 16), y[i], 0, "element " + i);
        }
    }

    @Test
    void nearestIntRoundsHalfToEven() {
        assertEquals(2, GgmlFit.nearestInt(2.5f));
        assertEquals(4, GgmlFit.nearestInt(3.5f));
        assertEquals(-2, GgmlFit.nearestInt(-2.5f));
        assertEquals(-3, GgmlFit.nearestInt(-2.51f));
        assertEquals(0, GgmlFit.nearestInt(0.4999f));
    }

    /**
     * Gaussian rows through Loupe's dequantizer: the relative RMS error is about one quantization step / sqrt(12)
     * of the sub-block range; the bounds are 1.5 times a uniform b-bit grid's range / (2^b - 1) / sqrt(12) over +-3
     * sigma (6 sigma / 15 / 3.46 = 0.115 for 4 bits), with and without importances.
     */
    @Test
    void dequantizedErrorMatchesBitWidth() {
        Random r = new Random(11);
        int n = 1024;
        float[] x = new float[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
            w[i] = (float) Math.exp(r.nextGaussian());
        }
        Map<DType, Integer> bits = Map.of(DType.Q4_K, 4, DType.Q5_K, 5, DType.Q6_K, 6, DType.Q5_0, 5, DType.Q5_1, 5, DType.Q4_0, 4);
        for (Map.Entry<DType, Integer> e : bits.entrySet()) {
            double bound = 1.5 * 6 / ((1 << e.getValue()) - 1) / Math.sqrt(12);
            for (float[] qw : new float[][]{null, w}) {
                byte[] b = GgmlQuantizer.quantize(e.getKey(), x, qw);
                assertEquals(e.getKey().byteSize(n), b.length);
                float[] y = new float[n];
                GgmlDequantizer.dequantize(e.getKey(), MemorySegment.ofArray(b), 0, y, 0, n);
                double se = 0;
                for (int i = 0; i < n; i++) {
                    se += (y[i] - x[i]) * (y[i] - x[i]);
                }
                double rms = Math.sqrt(se / n);
                assertTrue(rms < bound && rms > bound / 20, e.getKey() + (qw == null ? "" : " imatrix") + ": rms error " + rms + " vs " + bound);
            }
        }
    }

    private static float[] floats(String b64) {
        ByteBuffer bb = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[bb.remaining() / 4];
        bb.asFloatBuffer().get(f);
        return f;
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }
}
