package dev.loupe.compress.obs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.compress.gptq.Gptq;
import dev.loupe.compress.gptq.GptqSpec;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.sparsegpt.SparseGpt;
import dev.loupe.compress.sparsegpt.SparseGptSpec;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Against the authors' own code: {@code reference-obs.json} holds a seeded 16×64 layer, its XᵀX, and what
 * IST-DASLab's {@code gptq.py fasterquant} and {@code sparsegpt.py fasterprune} made of it (provenance in the
 * file; made by {@code loupe-compress/scripts/reference_obs.py}): GPTQ at 4 bits per channel (with and without
 * act-order), 3 bits in groups of 16 and 2 bits, asymmetric, and SparseGPT 2:4. The reference runs in float32 and
 * Loupe in double; on this layer no weight lands on the other side of a rounding boundary, so every entry agrees
 * to 1e-4 and the reference's printed loss to 1e-5.
 */
class TestReferenceObs {
    @Test
    void matchesTheReferenceImplementations() throws Exception {
        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("reference-obs.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        int rows = ref.get("rows").asInt();
        int cols = ref.get("cols").asInt();
        float[] w = floats(ref.get("w"));
        double[] h = new double[cols * cols];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) ref.get("h").get(i).asDouble();
        }
        for (JsonNode c : ref.get("cases")) {
            float[] expected = floats(c.get("q"));
            float[] got;
            double loss;
            if (c.get("method").asText().equals("gptq")) {
                GptqSpec spec = new GptqSpec(new QuantSpec(c.get("bits").asInt(), false, c.get("group").asInt()),
                        c.get("actorder").asBoolean(), 128, 0.01);
                Gptq.Result r = Gptq.quantize(w, rows, cols, h, spec);
                got = r.matrix().dequantize();
                loss = r.loss();
            } else {
                SparseGpt.Result r = SparseGpt.prune(w, rows, cols, h, SparseGptSpec.semiStructured(c.get("n").asInt(), c.get("m").asInt()));
                got = r.weights();
                loss = r.loss();
            }
            int off = 0;
            for (int i = 0; i < w.length; i++) {
                if (Math.abs(got[i] - expected[i]) > 1e-4 * (1 + Math.abs(expected[i]))) {
                    off++;
                }
            }
            assertEquals(0, off, c.get("method") + " " + c.get("bits") + ": entries that differ from the reference");
            assertEquals(c.get("loss").asDouble(), loss, 1e-5 * loss, c.get("method").asText());
        }
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }
}
