package dev.loupe.cli;

import dev.loupe.core.io.AtomicOutput;
import dev.loupe.ensemble.result.DisagreementBin;
import dev.loupe.ensemble.result.EnsembleReport;
import dev.loupe.ensemble.result.ErrorIndicators;
import dev.loupe.ensemble.result.KPoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The data behind the three ensemble plots, as CSV files (W histogram, error vs K with predictions, disagreement vs
 * error), for readers who want to re-plot them; {@link EnsemblePlots} draws them.
 */
final class EnsemblePlotData {
    private EnsemblePlotData() {
    }

    static void write(EnsembleReport r, Path dir, List<Path> inputs) {
        Path hist = dir.resolve("w_histogram.csv");
        Path k = dir.resolve("error_vs_k.csv");
        Path bins = dir.resolve("disagreement_vs_error.csv");
        for (Path p : List.of(hist, k, bins, dir.resolve("ensemble.json"), dir.resolve("ensemble.html"), dir.resolve("w_histogram.svg"),
                dir.resolve("error_vs_k.svg"), dir.resolve("disagreement_vs_error.svg"), dir.resolve("error_vs_disagreement.svg"))) {
            AtomicOutput.refuseOverwrite(p, inputs);
        }
        StringBuilder sb = new StringBuilder("wrong_members,W,samples\n");
        List<Long> h = r.stats().wHistogram().samples();
        for (int j = 0; j < h.size(); j++) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%d%n", j, (double) j / r.stats().members(), h.get(j)));
        }
        AtomicOutput.writeString(hist, sb.toString());
        if (r.extrapolation() != null) {
            sb = new StringBuilder("k,mv_error,mv_error_random_ties,pred_mv_law,pred_mv_eta,pred_mv_linear,disagreement,pred_disagreement,"
                    + "tandem_loss,pred_tandem_loss\n");
            for (KPoint p : r.extrapolation().points()) {
                sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f%n", p.k(), p.mvError(), p.mvErrorRandomTies(),
                        p.predictedMvLaw(), p.predictedMvEta(), p.predictedMvLinear(), p.disagreement(),
                        p.predictedDisagreement(), p.tandemLoss(), p.predictedTandemLoss()));
            }
            AtomicOutput.writeString(k, sb.toString());
        }
        sb = new StringBuilder("input_set,pair_disagreement,samples,mv_error\n");
        for (ErrorIndicators e : r.indicators()) {
            for (DisagreementBin b : e.bins()) {
                sb.append(String.format(Locale.ROOT, "%s,%.6f,%d,%.6f%n", e.inputSet().replace(',', ' '), b.disagreement(),
                        b.samples(), b.mvError()));
            }
        }
        AtomicOutput.writeString(bins, sb.toString());
    }
}
