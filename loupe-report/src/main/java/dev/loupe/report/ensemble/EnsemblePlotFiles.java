package dev.loupe.report.ensemble;

import dev.loupe.core.io.AtomicOutput;
import dev.loupe.ensemble.result.DisagreementBin;
import dev.loupe.ensemble.result.EnsembleReport;
import dev.loupe.ensemble.result.ErrorIndicators;
import dev.loupe.ensemble.result.KPoint;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.PlotFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code loupe ensemble --out DIR}: ensemble.html, each plot as SVG and PNG, and the data behind each plot as CSV for
 * readers who want to re-plot it.
 */
public final class EnsemblePlotFiles {
    private static final List<String> PLOTS = List.of("w_histogram", "error_vs_k", "error_vs_disagreement", "disagreement_vs_error");

    private EnsemblePlotFiles() {
    }

    /** Every file {@link #write} may create in {@code dir}, so callers can refuse to overwrite an input first. */
    public static List<Path> files(Path dir) {
        List<Path> out = new ArrayList<>(List.of(dir.resolve("ensemble.html"), dir.resolve("w_histogram.csv"),
                dir.resolve("error_vs_k.csv"), dir.resolve("disagreement_vs_error.csv")));
        for (String p : PLOTS) {
            out.add(dir.resolve(p + ".svg"));
            out.add(dir.resolve(p + ".png"));
        }
        return out;
    }

    public static void write(EnsembleReport r, Path dir) {
        Chart hist = EnsembleCharts.wHistogram(r);
        Chart k = r.extrapolation() == null ? null : EnsembleCharts.errorVsK(r);
        Chart linear = r.extrapolation() == null ? null : EnsembleCharts.errorVsDisagreement(r);
        Chart bins = EnsembleCharts.disagreementVsError(r);
        save(hist, dir, "w_histogram");
        if (k != null) {
            save(k, dir, "error_vs_k");
            save(linear, dir, "error_vs_disagreement");
        }
        save(bins, dir, "disagreement_vs_error");
        writeCsv(r, dir);
        AtomicOutput.writeString(dir.resolve("ensemble.html"), EnsemblePage.render(r, hist, k, linear, bins));
    }

    private static void writeCsv(EnsembleReport r, Path dir) {
        StringBuilder sb = new StringBuilder("wrong_members,W,samples\n");
        List<Long> h = r.stats().wHistogram().samples();
        for (int j = 0; j < h.size(); j++) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%d%n", j, (double) j / r.stats().members(), h.get(j)));
        }
        AtomicOutput.writeString(dir.resolve("w_histogram.csv"), sb.toString());
        if (r.extrapolation() != null) {
            sb = new StringBuilder("k,mv_error,mv_error_random_ties,pred_mv_law,pred_mv_eta,pred_mv_linear,disagreement,"
                    + "pred_disagreement,tandem_loss,pred_tandem_loss\n");
            for (KPoint p : r.extrapolation().points()) {
                sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f%n", p.k(), p.mvError(),
                        p.mvErrorRandomTies(), p.predictedMvLaw(), p.predictedMvEta(), p.predictedMvLinear(), p.disagreement(),
                        p.predictedDisagreement(), p.tandemLoss(), p.predictedTandemLoss()));
            }
            AtomicOutput.writeString(dir.resolve("error_vs_k.csv"), sb.toString());
        }
        sb = new StringBuilder("input_set,disagreement_low,disagreement_high,disagreement_mean,samples,mv_error,mv_error_low95,"
                + "mv_error_high95\n");
        for (ErrorIndicators e : r.indicators()) {
            for (DisagreementBin b : e.bins()) {
                sb.append(String.format(Locale.ROOT, "%s,%.6f,%.6f,%.6f,%d,%.6f,%.6f,%.6f%n", e.inputSet().replace(',', ' '), b.low(),
                        b.high(), b.meanDisagreement(), b.samples(), b.mvError(), b.errorLow(), b.errorHigh()));
            }
        }
        AtomicOutput.writeString(dir.resolve("disagreement_vs_error.csv"), sb.toString());
    }

    private static void save(Chart c, Path dir, String base) {
        PlotFiles.write(c, dir.resolve(base + ".svg"));
        PlotFiles.write(c, dir.resolve(base + ".png"));
    }
}
