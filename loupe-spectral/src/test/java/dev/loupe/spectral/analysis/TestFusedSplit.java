package dev.loupe.spectral.analysis;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.layers.FusedSplit;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.LayerSpectrum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --split-fused}: a fused tensor written as the concatenation of known matrices (also stored on
 * their own) must give, part by part, exactly the ESD and metrics of the separately stored matrices.
 */
class TestFusedSplit {
    @TempDir
    Path dir;

    static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * (1 + 3 * r.nextDouble() * r.nextDouble())); // mildly heavy-tailed
        }
        return v;
    }

    static Tensor t(String name, float[] v, long... shape) {
        return Tensor.contiguous(name, DType.F32, shape, MemorySegment.ofArray(v), null);
    }

    /** Row blocks a, b, c stacked: [a; b; c]. */
    static float[] rows(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Column blocks [a | b] of matrices with {@code r} rows and widths wa, wb. */
    static float[] cols(int r, float[] a, int wa, float[] b, int wb) {
        float[] out = new float[r * (wa + wb)];
        for (int i = 0; i < r; i++) {
            System.arraycopy(a, i * wa, out, i * (wa + wb), wa);
            System.arraycopy(b, i * wb, out, i * (wa + wb) + wa, wb);
        }
        return out;
    }

    static InspectResult inspect(Path file, List<FusedSplit> splits) {
        InspectOptions o = new InspectOptions(dev.loupe.spectral.esd.Precision.FP64,
                dev.loupe.spectral.layers.ConvMode.SLICES, false, true, false, 0, 1).withSplits(splits);
        try (Checkpoint cp = Checkpoints.open(file)) {
            return new Inspector(Backends.pureJava(), o).inspect(cp, Progress.NONE, "test", false);
        }
    }

    @Test
    void eachPartEqualsTheMatrixItWasMadeOf() {
        int d = 48;
        float[] q = random(1, d * d);
        float[] k = random(2, d * d);
        float[] v = random(3, d * d);
        float[] kv = random(4, 16 * d); // a smaller (GQA-like) block
        float[] e0 = random(5, 40 * 24);
        float[] e1 = random(6, 40 * 24);
        Path file = dir.resolve("fused.safetensors");
        SafetensorsWriter.write(file, List.of(
                t("sep.q", q, d, d), t("sep.k", k, d, d), t("sep.v", v, d, d), t("sep.kv", kv, 16, d),
                t("e0", e0, 40, 24), t("e1", e1, 40, 24),
                t("attn.qkv.weight", rows(q, k, v), 3L * d, d),          // PyTorch (out, in): row blocks
                t("attn.c_attn.weight", cols(d, q, d, transpose(kv, 16, d), 16), d, d + 16),
                t("moe.experts", rows(e0, e1), 2, 40, 24)), Map.of());
        InspectResult r = inspect(file, List.of(FusedSplit.parse("qkv=q,k,v"), FusedSplit.parse("c_attn=a:48,b:16@1"),
                FusedSplit.parse("experts=2")));
        Map<String, LayerSpectrum> sp = r.spectra().stream()
                .collect(Collectors.toMap(LayerSpectrum::name, Function.identity()));
        Map<String, LayerMetrics> lm = r.layers().stream()
                .collect(Collectors.toMap(LayerMetrics::name, Function.identity()));
        assertSame(sp, lm, "sep.q", "attn.qkv.q");
        assertSame(sp, lm, "sep.k", "attn.qkv.k");
        assertSame(sp, lm, "sep.v", "attn.qkv.v");
        assertSame(sp, lm, "sep.q", "attn.c_attn.a");
        assertSame(sp, lm, "sep.kv", "attn.c_attn.b"); // the transpose has the same ESD
        assertSame(sp, lm, "e0", "moe.experts.part0");
        assertSame(sp, lm, "e1", "moe.experts.part1");
        assertTrue(lm.get("attn.qkv.k").notes().get(0).startsWith("part k (2/3) of fused tensor 'attn.qkv.weight'"),
                lm.get("attn.qkv.k").notes().toString());
        assertEquals(List.of(d, d), List.of(lm.get("attn.qkv.v").layer().N(), lm.get("attn.qkv.v").layer().M()));
        assertArrayEquals(new long[]{d, 16}, lm.get("attn.c_attn.b").layer().shape());
        assertArrayEquals(new long[]{40, 24}, lm.get("moe.experts.part1").layer().shape());
    }

    static float[] transpose(float[] a, int r, int c) {
        float[] out = new float[a.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[j * r + i] = a[i * c + j];
            }
        }
        return out;
    }

    static void assertSame(Map<String, LayerSpectrum> sp, Map<String, LayerMetrics> lm, String separate, String part) {
        assertTrue(sp.containsKey(part), part + " missing from " + sp.keySet());
        double[] want = sp.get(separate).eigenvalues();
        double[] got = sp.get(part).eigenvalues();
        assertEquals(want.length, got.length, part);
        double max = want[want.length - 1];
        for (int i = 0; i < want.length; i++) {
            // same floats, same Gram up to the summation order of a transposed layout
            assertEquals(want[i], got[i], 1e-12 * max, part + " eigenvalue " + i);
        }
        assertEquals(lm.get(separate).alpha(), lm.get(part).alpha(), 1e-9, part);
        assertEquals(lm.get(separate).logNorm(), lm.get(part).logNorm(), 1e-12, part);
    }

    @Test
    void badRulesAreUserErrors() {
        assertThrows(IllegalArgumentException.class, () -> FusedSplit.parse("qkv"));
        assertThrows(IllegalArgumentException.class, () -> FusedSplit.parse("qkv=1"));
        assertThrows(IllegalArgumentException.class, () -> FusedSplit.parse("qkv=q:3,k"));
        assertThrows(IllegalArgumentException.class, () -> FusedSplit.parse("(=3"));
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, List.of(t("w", random(1, 10 * 7), 10, 7)), Map.of());
        LoupeException e = assertThrows(LoupeException.class, () -> inspect(file, List.of(FusedSplit.parse("w=3"))));
        assertTrue(e.getMessage().contains("does not split into 3 equal parts"), e.getMessage());
    }
}
