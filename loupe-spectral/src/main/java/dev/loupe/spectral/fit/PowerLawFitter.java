package dev.loupe.spectral.fit;

import dev.loupe.spectral.result.PowerLawFit;

/**
 * WeightWatcher 0.7.5.5's default power-law fit ({@code pl_package='ww'}, class WWFit): continuous
 * MLE of alpha for every candidate xmin (each value but the largest), one-sided KS distance
 * D = max_k |1 − (x_k/xmin)^(1−α) − k/n|, xmin = argmin D (first on ties), alpha ≤ 1 gets D = 1.
 * Written here rather than using a library because the exact WWFit conventions (candidate set, the
 * one-sided CDF, tie breaking) are what makes the numbers comparable with WeightWatcher.
 */
public final class PowerLawFitter {
    /** WeightWatcher's EVALS_THRESH: eigenvalues at or below it are not fitted. */
    public static final double EVALS_THRESH = 1e-5;
    /** clip_xmax: alpha must drop by this much (DEFAULT_FINGER_THRESH). */
    static final double FINGER_THRESH = 1.0;
    /** clip_xmax tries clipping 2..MAX_FINGERS-1 top eigenvalues (DEFAULT_MAX_FINGERS = 10). */
    static final int MAX_FINGERS = 10;

    private PowerLawFitter() {
    }

    /**
     * The fitted continuous Pareto density p(λ) = (α−1)/xmin·(λ/xmin)^−α for λ ≥ xmin (the model the
     * MLE fits); public so plots draw the fitted curve with this same formula.
     */
    public static double density(double lambda, double alpha, double xmin) {
        return (alpha - 1) / xmin * Math.pow(lambda / xmin, -alpha);
    }

    /** One WWFit result on a sorted sample: alpha, xmin, D, sigma, n (values ≥ xmin), xmax. */
    record Raw(double alpha, double xmin, double xmax, double D, double sigma, int n) {
    }

    /** Default fit of an ascending ESD. {@code clipXmax} runs WeightWatcher's fix_fingers='clip_xmax'. */
    public static PowerLawFit fit(double[] sortedEvals, boolean clipXmax) {
        return fit(sortedEvals, clipXmax ? FixFingers.CLIP_XMAX : FixFingers.NONE);
    }

    /** The fit of an ascending ESD with WeightWatcher's {@code fix_fingers} option {@code ff}. */
    public static PowerLawFit fit(double[] sortedEvals, FixFingers ff) {
        double[] nz = aboveThreshold(sortedEvals);
        double top = sortedEvals.length == 0 ? Double.NaN : sortedEvals[sortedEvals.length - 1];
        if (nz.length < 2) {
            return PowerLawFit.failed(top);
        }
        Raw first = ff == FixFingers.XMIN_PEAK ? peakFit(nz) : wwFit(nz, nz.length);
        Raw best = first;
        int fingers = 0;
        if (ff == FixFingers.CLIP_XMAX) {
            // RMT_Util.fit_clipped_powerlaw: refit on evals[:-idx]; a fit on fewer than 2 values
            // raises inside WWFit, which fails the whole layer (as WeightWatcher's fc3 with 10 evals).
            for (int idx = 2; idx < MAX_FINGERS; idx++) {
                int len = nz.length - idx;
                if (len < 2) {
                    return PowerLawFit.failed(top);
                }
                Raw f = wwFit(nz, len);
                if (f.alpha() + FINGER_THRESH < first.alpha()) {
                    best = f;
                    fingers = idx - 1; // WeightWatcher records idx - 1
                    break;
                }
                if (f.alpha() <= 2.0) {
                    break;
                }
            }
        }
        if (Double.isNaN(best.alpha())) {
            return PowerLawFit.failed(top);
        }
        int spikes = 0;
        for (double v : sortedEvals) {
            if (v >= best.xmin()) {
                spikes++;
            }
        }
        return new PowerLawFit(best.alpha(), best.xmin(), best.xmax(), best.D(), best.sigma(), spikes, "success",
                first.alpha(), fingers);
    }

    static double[] aboveThreshold(double[] sorted) {
        int start = 0;
        while (start < sorted.length && !(sorted[start] > EVALS_THRESH)) {
            start++;
        }
        double[] out = new double[sorted.length - start];
        System.arraycopy(sorted, start, out, 0, out.length);
        return out;
    }

    /**
     * WWFit on the first {@code len} values of the ascending {@code x}. Suffix sums of logs replace
     * WeightWatcher's per-candidate np.sum (same value up to rounding); the KS loop is O(n²) like theirs.
     */
    static Raw wwFit(double[] x, int len) {
        return wwFit(x, len, 0, len - 1, false);
    }

    /**
     * fix_fingers='xmin_peak' (which WeightWatcher runs through the powerlaw package, powerlaw 1.5 Fit.find_xmin):
     * the candidates are the distinct values inside the {@link XminPeak} window except the window's largest;
     * for each, the same continuous MLE and KS distance as WWFit (powerlaw's two-sided D equals WWFit's
     * |CDF − k/n| form on untied data); no candidate: a failed fit (powerlaw returns NaN).
     */
    static Raw peakFit(double[] x) {
        XminPeak w = XminPeak.of(x);
        int from = 0;
        while (from < x.length && !w.contains(x[from])) {
            from++;
        }
        int to = from;
        while (to < x.length && w.contains(x[to])) {
            to++;
        }
        // powerlaw drops the last distinct candidate ("that's also the xmax"): back up over its copies
        int last = to - 1;
        while (last > from && x[last - 1] == x[to - 1]) {
            last--;
        }
        if (to == from || last <= from) {
            return new Raw(Double.NaN, Double.NaN, x[x.length - 1], Double.NaN, Double.NaN, 0);
        }
        return wwFit(x, x.length, from, last, true);
    }

    /**
     * WWFit over the candidate xmins {@code x[from..to)}; with {@code distinct} one candidate per distinct value
     * (powerlaw's), else every index (WWFit's).
     */
    private static Raw wwFit(double[] x, int len, int from, int to, boolean distinct) {
        double[] logs = new double[len];
        for (int i = 0; i < len; i++) {
            logs[i] = Math.log(x[i]);
        }
        double[] suffix = new double[len + 1];
        for (int i = len - 1; i >= 0; i--) {
            suffix[i] = suffix[i + 1] + logs[i];
        }
        int bestI = -1;
        double bestD = Double.POSITIVE_INFINITY;
        double bestAlpha = Double.NaN;
        for (int i = from; i < to; i++) {
            if (distinct && i > from && x[i] == x[i - 1]) {
                continue; // powerlaw's unique(): one candidate per distinct value
            }
            double n = len - i;
            double alpha = 1 + n / (suffix[i] - n * logs[i]);
            double d = 1.0;
            if (alpha > 1) {
                d = ksDistance(x, logs, i, len, alpha);
            }
            if (d < bestD) { // strict: first index wins ties, as np.argmin
                bestD = d;
                bestI = i;
                bestAlpha = alpha;
            }
        }
        if (bestI < 0) { // every candidate gave NaN (e.g. all values equal)
            return new Raw(Double.NaN, x[0], x[len - 1], Double.NaN, Double.NaN, 0);
        }
        double n = len - bestI;
        return new Raw(bestAlpha, x[bestI], x[len - 1], bestD, (bestAlpha - 1) / Math.sqrt(n), (int) n);
    }

    static double ksDistance(double[] x, double[] logs, int i, int len, double alpha) {
        double n = len - i;
        double expo = 1 - alpha;
        double max = 0;
        for (int k = 0; k < len - i; k++) {
            // (x_k/xmin)^(1-alpha) as exp((1-alpha)·(ln x_k − ln xmin)): same value to a few ulps, 10x faster than pow
            double cdf = 1 - Math.exp(expo * (logs[i + k] - logs[i]));
            double diff = Math.abs(cdf - k / n);
            if (diff > max) {
                max = diff;
            }
        }
        return max;
    }
}
