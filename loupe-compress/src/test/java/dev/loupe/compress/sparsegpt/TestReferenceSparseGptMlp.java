package dev.loupe.compress.sparsegpt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.data.Fixtures;
import dev.loupe.core.data.IdxReader;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unstructured SparseGPT 50 % on a real layer against the authors' own code: {@code reference-mlp-fc1.json} holds
 * what IST-DASLab's {@code sparsegpt.py fasterprune} (blocksize 128, percdamp .01) made of the reference MLP's fc1
 * (256×784: six blocks of 128 columns and one of 16, and dead inputs, the border pixels no calibration image lights)
 * from the XᵀX of the first 256 fixture test images; made by {@code loupe-compress/scripts/sparsegpt_reference_mlp.py
 * fixture} (provenance in the file). It stores the whole mask and the first 32 rows' values.
 *
 * <p>The reference prunes every entry whose saliency is ≤ the one at sorted index ⌊k/2⌋, i.e. one entry more per
 * block than Loupe's exact count (see {@link SparseGpt}); a row that loses such an extra entry then compensates
 * differently in its later columns. So: every entry Loupe prunes the reference prunes too except in at most one row
 * per block, the reference prunes exactly one extra entry per block, and in every other row the mask is identical and
 * the values agree to 1e-4 relative (the reference runs in float32, Loupe in double).
 */
class TestReferenceSparseGptMlp {
    @Test
    void fc1MatchesTheReference() throws Exception {
        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("reference-mlp-fc1.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        int rows = ref.get("shape").get(0).asInt();
        int cols = ref.get("shape").get(1).asInt();
        int n = ref.get("calibration_images").asInt();
        float[] w;
        try (Checkpoint cp = Checkpoints.open(Fixtures.dir().resolve("models/mlp.onnx"))) {
            w = cp.tensor("fc1.weight").orElseThrow().toFloats();
        }
        // XᵀX of the layer's input: the images divided by 255, as the model does before fc1
        float[] px = IdxReader.read(Fixtures.dir().resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz")).values();
        double[] xtx = new double[cols * cols];
        double[] x = new double[cols];
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < cols; c++) {
                x[c] = px[s * cols + c] / 255.0;
            }
            for (int i = 0; i < cols; i++) {
                if (x[i] != 0) {
                    for (int j = 0; j < cols; j++) {
                        xtx[i * cols + j] += x[i] * x[j];
                    }
                }
            }
        }
        SparseGpt.Result r = SparseGpt.prune(w, rows, cols, xtx, SparseGptSpec.unstructured(0.5));

        byte[] bits = Base64.getDecoder().decode(ref.get("keep").asText());
        ByteBuffer vb = ByteBuffer.wrap(Base64.getDecoder().decode(ref.get("values").asText())).order(ByteOrder.LITTLE_ENDIAN);
        int valueRows = ref.get("rows").asInt();
        int block = SparseGptSpec.DEFAULT_BLOCK;
        int blocks = (cols + block - 1) / block;
        int refPruned = 0;
        int differentRows = 0;
        int firstBlockOnlyRef = 0;
        int firstBlockOnlyLoupe = 0;
        int comparedValues = 0;
        for (int row = 0; row < rows; row++) {
            boolean same = true;
            for (int c = 0; c < cols; c++) {
                int i = row * cols + c;
                boolean refKeep = (bits[i >> 3] >> (7 - (i & 7)) & 1) == 1;
                boolean keep = r.mask().keep()[i];
                refPruned += refKeep ? 0 : 1;
                same &= refKeep == keep;
                if (c < block) {
                    firstBlockOnlyRef += !refKeep && keep ? 1 : 0;
                    firstBlockOnlyLoupe += refKeep && !keep ? 1 : 0;
                }
            }
            differentRows += same ? 0 : 1;
            if (same && row < valueRows) {
                for (int c = 0; c < cols; c++) {
                    float expected = vb.getFloat(4 * (row * cols + c));
                    assertEquals(expected, r.weights()[row * cols + c], 1e-6 * Math.abs(expected), "fc1[" + row + ", " + c + "]");
                    comparedValues++;
                }
            }
        }
        assertEquals(rows * cols / 2 + blocks, refPruned, "the reference prunes one extra entry per block");
        assertEquals(rows * cols / 2, rows * cols - count(r.mask().keep()));
        // before the first extra entry can change anything, the masks differ by exactly that entry
        assertEquals(1, firstBlockOnlyRef, "entries of block 1 only the reference prunes");
        assertEquals(0, firstBlockOnlyLoupe, "entries of block 1 only Loupe prunes");
        // each extra entry changes its row's later values, which can move a later block's shared threshold by a rank
        assertTrue(differentRows <= 2 * blocks, differentRows + " rows whose mask differs from the reference's (12 when made)");
        assertTrue(comparedValues >= (valueRows - 2 * blocks) * cols, comparedValues + " values compared");
        assertEquals(ref.get("error").asDouble(), r.loss(), 1e-3 * r.loss(), "the sweep's loss Σ (w − q)²/(2·U_ii²)");
    }

    private static int count(boolean[] keep) {
        int k = 0;
        for (boolean b : keep) {
            k += b ? 1 : 0;
        }
        return k;
    }
}
