package dev.loupe.report.inspect;

import dev.loupe.spectral.result.Histogram;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerInfo;
import dev.loupe.spectral.result.LayerKind;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.LayerSpectrum;
import dev.loupe.spectral.result.ModelSummary;
import dev.loupe.spectral.result.MpFit;
import dev.loupe.spectral.result.PowerLawFit;
import dev.loupe.spectral.result.Provenance;
import dev.loupe.spectral.result.SkippedTensor;
import dev.loupe.spectral.result.SpectralNorms;
import dev.loupe.spectral.result.WeightStats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Made-up but plausible inspect records (a small BERT-like encoder) for rendering tests and the visual
 * check. Values are drawn with a fixed seed: an MP-like bulk plus a Pareto tail with a chosen α,
 * Gaussian or Laplace weights. They exercise the renderer; they are not analysis results.
 */
public final class SampleInspectResults {
    private SampleInspectResults() {
    }

    public static InspectResult encoder(int blocks, String hostileName) {
        Random rnd = new Random(42);
        String[] parts = {"attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense", "intermediate.dense", "output.dense"};
        List<LayerMetrics> layers = new ArrayList<>();
        List<LayerSpectrum> spectra = new ArrayList<>();
        int index = 0;
        for (int b = 0; b < blocks; b++) {
            for (String part : parts) {
                boolean wide = part.startsWith("intermediate") || part.equals("output.dense");
                String name = index == 1 && hostileName != null ? hostileName : "encoder.layer." + b + "." + part;
                // α drifts with depth; one over-trained and one under-trained layer for colour coverage
                double alpha = index == 3 ? 1.7 : index == 8 ? 6.8 : 2.6 + 1.8 * rnd.nextDouble();
                add(layers, spectra, rnd, index++, name, wide ? 1536 : 384, 384, alpha, b % 2 == 0);
            }
        }
        ModelSummary summary = new ModelSummary(layers.size(), layers.size(), 1, 1, 0, 21_000_000L, 2.1,
                mean(layers, LayerMetrics::alpha), mean(layers, LayerMetrics::alphaWeighted), 2.4, 0.9,
                mean(layers, LayerMetrics::stableRank), 0.12, 3.9, Double.NaN);
        Provenance prov = new Provenance("/models/all-MiniLM-L6-v2/model.onnx", "ONNX", 90_400_000L,
                "3f1c" + "0".repeat(60), "openblas (bytedeco 0.3.30)", "fp64", "0.1.0-SNAPSHOT", 7, 2,
                List.of("precision=fp64", "conv=ww", "mp_fit=true"), "2026-11-23T10:00:00Z", 12.4, "25.0.1", 310_000_000L, 4L << 30);
        List<SkippedTensor> skipped = List.of(
                new SkippedTensor("embeddings.LayerNorm.weight", "F32", new long[]{384}, "1-D: norm scale"),
                new SkippedTensor("encoder.layer.0.attention.self.query.bias", "F32", new long[]{384}, "1-D: bias"));
        return new InspectResult(prov, summary, layers, spectra, skipped);
    }

    private interface Metric {
        double of(LayerMetrics m);
    }

    private static double mean(List<LayerMetrics> ls, Metric f) {
        return ls.stream().mapToDouble(f::of).average().orElse(Double.NaN);
    }

    private static void add(List<LayerMetrics> layers, List<LayerSpectrum> spectra, Random rnd, int index,
                            String name, int n, int m, double alpha, boolean gaussian) {
        double q = (double) n / m;
        double sigma2 = 1.0;
        double lo = sigma2 * Math.pow(1 - 1 / Math.sqrt(q), 2) * n;
        double hi = sigma2 * Math.pow(1 + 1 / Math.sqrt(q), 2) * n;
        int tail = 40 + rnd.nextInt(60);
        double xmin = hi * (0.9 + 0.4 * rnd.nextDouble());
        double[] ev = new double[m];
        for (int i = 0; i < m - tail; i++) {
            double u = rnd.nextDouble();
            ev[i] = Math.max(1e-3, lo + (hi - lo) * u * u); // bulk, denser at the low edge
        }
        for (int i = m - tail; i < m; i++) {
            ev[i] = xmin * Math.pow(1 - rnd.nextDouble(), -1 / (alpha - 1)); // Pareto(α) above xmin
        }
        Arrays.sort(ev);
        double lmax = ev[m - 1];
        double sum = Arrays.stream(ev).sum();
        double std = 0.02 + 0.03 * rnd.nextDouble();
        double beta = gaussian ? 2 : 1;
        double scale = gaussian ? std * Math.sqrt(2) : std / Math.sqrt(2);
        double[] w = new double[20_000];
        for (int i = 0; i < w.length; i++) {
            w[i] = gaussian ? rnd.nextGaussian() * std
                    : -scale * Math.log(1 - rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
        }
        dev.loupe.spectral.result.Warning warning = dev.loupe.spectral.result.Warning.of(
                new PowerLawFit(alpha, 0, 0, 0, 0, 0, "success", alpha, 0), m);
        LayerInfo info = new LayerInfo(index, name, name + ".weight", "F32", new long[]{m, n}, LayerKind.DENSE,
                "dense", n, m, 1, q, m, "in,out", "MatMul", index == 5 ? List.of("sample note: <b>not bold</b>") : List.of());
        PowerLawFit fit = new PowerLawFit(alpha, xmin, lmax, 0.04 + 0.05 * rnd.nextDouble(),
                (alpha - 1) / Math.sqrt(tail), tail, "success", alpha, 0);
        SpectralNorms norms = new SpectralNorms(sum, Math.log10(sum), lmax, Math.log10(lmax), alpha * Math.log10(lmax),
                alpha * Math.log10(lmax) * 1.05, sum / lmax, 0.9, m, 0, 0, Math.sqrt(lmax), Math.sqrt(ev[0]));
        MpFit mp = new MpFit(1.0, hi, lo, 1.0, tail / 2, hi / lmax, "sample");
        WeightStats ws = new WeightStats(0, std, gaussian ? 0.02 : 3.0, beta, scale, gaussian ? 0.0027 : 0.014, 0,
                0.004 + 0.002 * rnd.nextDouble(), 0.07 + 0.03 * rnd.nextDouble(), 0.003 + 0.001 * rnd.nextDouble(),
                0.05 + 0.02 * rnd.nextDouble());
        layers.add(new LayerMetrics(info, fit, norms, alpha * (0.9 + 0.2 * rnd.nextDouble()), mp, null, ws, warning,
                0.05));
        spectra.add(new LayerSpectrum(name, ev, false, logHistogram(ev, 80), alpha, xmin, lmax, lo, hi, 1.0, q, null,
                linearHistogram(w, 100), beta, scale, 0));
    }

    static Histogram logHistogram(double[] v, int bins) {
        double l0 = Math.log10(Arrays.stream(v).min().orElseThrow());
        double l1 = Math.log10(Arrays.stream(v).max().orElseThrow());
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = Math.pow(10, l0 + (l1 - l0) * i / bins);
        }
        long[] counts = new long[bins];
        for (double x : v) {
            counts[Math.min(bins - 1, (int) ((Math.log10(x) - l0) / (l1 - l0) * bins))]++;
        }
        return new Histogram(edges, counts, true);
    }

    static Histogram linearHistogram(double[] v, int bins) {
        double a = Arrays.stream(v).min().orElseThrow();
        double b = Arrays.stream(v).max().orElseThrow();
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = a + (b - a) * i / bins;
        }
        long[] counts = new long[bins];
        for (double x : v) {
            counts[Math.min(bins - 1, (int) ((x - a) / (b - a) * bins))]++;
        }
        return new Histogram(edges, counts, false);
    }
}
