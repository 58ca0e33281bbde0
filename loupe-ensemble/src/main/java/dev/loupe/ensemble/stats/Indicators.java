package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.result.DisagreementBin;
import dev.loupe.ensemble.result.ErrorIndicators;
import dev.loupe.ensemble.result.IndicatorScore;

import java.util.ArrayList;
import java.util.List;

/**
 * Disagreement as an indicator of wrong predictions (the DiverseNO idea, arXiv 2403.10642): per-sample scores
 * against whether the majority vote is wrong, summarized by AUROC. Scores from labels: pairwise disagreement and vote
 * entropy; from probabilities (when given): entropy of the mean prediction and the mutual information
 * H(mean p) − mean H(p) (its "disagreement" part).
 */
public final class Indicators {
    /** Bins of the disagreement-vs-error curve: ~150 samples each on a 2,000-sample test set. */
    static final int BINS = 12;

    private Indicators() {
    }

    public static ErrorIndicators of(String inputSet, Predictions p) {
        Votes v = Votes.of(p);
        int n = v.samples();
        boolean[] wrong = new boolean[n];
        double[] pair = new double[n];
        double[] entropy = new double[n];
        double mv = 0;
        double d = 0;
        for (int i = 0; i < n; i++) {
            wrong[i] = v.voteWrong(i);
            pair[i] = p.memberCount() > 1 ? v.pairDisagreement(i) : 0;
            entropy[i] = v.voteEntropy(i);
            mv += wrong[i] ? 1 : 0;
            d += pair[i];
        }
        List<IndicatorScore> scores = new ArrayList<>();
        scores.add(new IndicatorScore("pairwise disagreement", Auroc.of(pair, wrong)));
        scores.add(new IndicatorScore("vote entropy", Auroc.of(entropy, wrong)));
        if (p.hasProbabilities()) {
            double[][] h = probabilityScores(p);
            scores.add(new IndicatorScore("predictive entropy", Auroc.of(h[0], wrong)));
            scores.add(new IndicatorScore("mutual information", Auroc.of(h[1], wrong)));
        }
        List<DisagreementBin> binList = EqualCountBins.of(pair, wrong, BINS);
        double meanError = 0;
        for (int[] row : p.labels()) {
            meanError += EnsembleAnalyzer.errorRate(row, p.truth()) / p.memberCount();
        }
        return new ErrorIndicators(inputSet, n, mv / n, meanError, d / n, scores, binList);
    }

    /** Per sample: entropy of the mean probabilities, and that minus the mean member entropy. */
    private static double[][] probabilityScores(Predictions p) {
        int n = p.sampleCount();
        int k = p.classes();
        int m = p.memberCount();
        double[] total = new double[n];
        double[] mi = new double[n];
        double[] mean = new double[k];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(mean, 0);
            double memberEntropy = 0;
            for (float[] probs : p.probabilities()) {
                double[] q = normalized(probs, i * k, k);
                for (int c = 0; c < k; c++) {
                    mean[c] += q[c] / m;
                }
                memberEntropy += entropy(q) / m;
            }
            total[i] = entropy(mean);
            mi[i] = total[i] - memberEntropy;
        }
        return new double[][] {total, mi};
    }

    /** Probabilities as stored may be unnormalized (or logits clipped to ≥ 0); normalize so entropies are comparable. */
    private static double[] normalized(float[] probs, int off, int k) {
        double[] q = new double[k];
        double sum = 0;
        for (int c = 0; c < k; c++) {
            q[c] = Math.max(0, probs[off + c]);
            sum += q[c];
        }
        for (int c = 0; c < k; c++) {
            q[c] = sum > 0 ? q[c] / sum : 1.0 / k;
        }
        return q;
    }

    private static double entropy(double[] q) {
        double h = 0;
        for (double x : q) {
            if (x > 0) {
                h -= x * Math.log(x);
            }
        }
        return h;
    }
}
