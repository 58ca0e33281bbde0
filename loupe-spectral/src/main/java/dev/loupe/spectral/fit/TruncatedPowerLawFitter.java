package dev.loupe.spectral.fit;

import dev.loupe.spectral.result.TruncatedPowerLawFit;

import java.util.ArrayList;
import java.util.List;

/**
 * WeightWatcher 0.7.5.5's {@code fit='TPL'} and {@code fit='E_TPL'}, which it hands to the powerlaw package (1.5):
 * {@code powerlaw.Fit(evals > 1e-5, xmin=..., distribution='truncated_power_law',
 * xmin_distribution='truncated_power_law')}. The density p(λ) = λ^−α e^−Λλ Λ^(1−α) / Γ(1−α, Λ·xmin) on λ ≥ xmin.
 * <p>
 * As powerlaw does it: every distinct eigenvalue but the largest is an xmin candidate (E_TPL: only those in the
 * {@link XminPeak} window, again without the window's largest); at each, (α, Λ) by scipy's Nelder–Mead on the
 * negative log-likelihood from α₀ = 1 + n/Σ ln(λ/xmin), Λ₀ = 1/mean λ, out-of-range parameters (α ≤ 1 or Λ ≤ 0)
 * scoring every point 1e-307; then the KS distance of the fitted CDF 1 − Γ(1−α, Λλ)/Γ(1−α, Λ·xmin) to the
 * data's CDF above xmin; xmin = the in-range candidate with the smallest D. Nelder–Mead stops within 1e-4, so
 * α and Λ are where scipy's search stops, not the exact optimum; reproducing the search step for step
 * ({@link NelderMead}) is what makes the numbers WeightWatcher's. Cost: one search per candidate, O(n²) in all.
 */
public final class TruncatedPowerLawFitter {
    /** powerlaw's stand-in likelihood (10**sys.float_info.min_10_exp) for impossible parameters. */
    private static final double FLOOR = 1e-307;

    private TruncatedPowerLawFitter() {
    }

    /** One candidate's fit. */
    private record Candidate(double xmin, int start, double alpha, double lambda, double negLogLik, boolean inRange,
                             double D) {
    }

    /**
     * TPL (every candidate) or, with {@code xminPeak}, E_TPL of an ascending ESD; null when there is no candidate
     * xmin (fewer than two distinct eigenvalues above 1e-5 in the searched range).
     */
    public static TruncatedPowerLawFit fit(double[] sortedEvals, boolean xminPeak) {
        double[] x = PowerLawFitter.aboveThreshold(sortedEvals);
        if (x.length < 2) {
            return null;
        }
        // powerlaw's cumulative_distribution_function: distinct values, fraction of the data strictly below each
        List<Integer> firsts = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (i == 0 || x[i] != x[i - 1]) {
                firsts.add(i);
            }
        }
        double[] bins = new double[firsts.size()];
        double[] cdf = new double[firsts.size()];
        for (int b = 0; b < bins.length; b++) {
            bins[b] = x[firsts.get(b)];
            cdf[b] = firsts.get(b) / (double) x.length;
        }
        XminPeak window = xminPeak ? XminPeak.of(x) : null;
        List<Integer> cands = new ArrayList<>(); // indices into bins
        for (int b = 0; b < bins.length; b++) {
            if (window == null || window.contains(bins[b])) {
                cands.add(b);
            }
        }
        if (cands.size() < 2) { // powerlaw drops the last candidate ("also the xmax")
            return null;
        }
        cands.removeLast();
        Candidate best = null;
        boolean anyGood = false;
        boolean allGood = true;
        List<Candidate> fits = new ArrayList<>(cands.size());
        for (int b : cands) {
            Candidate c = fitAt(x, firsts.get(b), bins, cdf, b);
            fits.add(c);
            anyGood |= c.inRange();
            allGood &= c.inRange();
        }
        for (Candidate c : fits) {
            // np.argmin (a NaN wins), over the in-range fits unless none or all are
            if ((allGood || !anyGood || c.inRange()) && (best == null || isLess(c.D(), best.D()))) {
                best = c;
            }
        }
        int spikes = 0;
        for (double v : sortedEvals) {
            if (v >= best.xmin()) {
                spikes++;
            }
        }
        return result(x, best, spikes, anyGood);
    }

    private static boolean isLess(double d, double current) {
        return !Double.isNaN(current) && (Double.isNaN(d) || d < current);
    }

    private static Candidate fitAt(double[] x, int start, double[] bins, double[] cdf, int b) {
        double xmin = x[start];
        int n = x.length - start;
        double[] logRatio = new double[n];
        double[] tail = new double[n];
        for (int i = 0; i < n; i++) {
            tail[i] = x[start + i];
            logRatio[i] = Math.log(tail[i] / xmin);
        }
        double alpha0 = 1 + n / NumpySum.sum(logRatio, 0, n);
        double lambda0 = 1 / (NumpySum.sum(tail, 0, n) / n);
        NelderMead.Result r = NelderMead.minimize(p -> negLogLikelihood(tail, xmin, p[0], p[1]), new double[]{alpha0, lambda0});
        double alpha = r.x()[0];
        double lambda = r.x()[1];
        boolean inRange = inRange(alpha, lambda);
        return new Candidate(xmin, start, alpha, lambda, r.f(), inRange, ks(bins, cdf, b, xmin, alpha, lambda, inRange));
    }

    private static boolean inRange(double alpha, double lambda) {
        return lambda > 0 && alpha > 1;
    }

    /** −Σ ln p(λᵢ) as powerlaw sums it (Python's sum, in order). */
    static double negLogLikelihood(double[] tail, double xmin, double alpha, double lambda) {
        double s = 0;
        if (!inRange(alpha, lambda)) {
            double l = Math.log(FLOOR);
            for (int i = 0; i < tail.length; i++) {
                s += l;
            }
            return -s;
        }
        double c = Math.pow(lambda, 1 - alpha) / IncompleteGamma.upper(1 - alpha, lambda * xmin);
        for (double v : tail) {
            double p = Math.pow(v, -alpha) * Math.exp(-lambda * v) * c;
            s += Math.log(p == 0 ? FLOOR : p);
        }
        return -s;
    }

    /** powerlaw's Distribution.KS on the data's CDF restricted to λ ≥ xmin and renormalized. */
    private static double ks(double[] bins, double[] cdf, int b, double xmin, double alpha, double lambda, boolean inRange) {
        double dropped = cdf[b];
        double scale = Math.pow(lambda, 1 - alpha);
        double baseXmin = inRange ? 1 - IncompleteGamma.upper(1 - alpha, lambda * xmin) / scale : Double.NaN;
        double dPlus = Double.NEGATIVE_INFINITY;
        double dMinus = Double.NEGATIVE_INFINITY;
        for (int i = b; i < bins.length; i++) {
            double actual = (cdf[i] - dropped) / (1 - dropped);
            double theory;
            if (!inRange) {
                theory = FLOOR;
            } else if (baseXmin == 1) { // powerlaw: "no numerical accuracy for this tail", all ones
                theory = 1;
            } else {
                double base = 1 - IncompleteGamma.upper(1 - alpha, lambda * bins[i]) / scale;
                theory = (base - baseXmin) / (1 - baseXmin);
            }
            double diff = theory - actual;
            dPlus = Math.max(dPlus, diff);
            dMinus = Math.max(dMinus, -diff);
        }
        return Math.max(dPlus, dMinus);
    }

    private static TruncatedPowerLawFit result(double[] x, Candidate c, int spikes, boolean anyGood) {
        int n = x.length - c.start();
        double sumLog = 0;
        for (int i = c.start(); i < x.length; i++) {
            sumLog += Math.log(x[i] / c.xmin());
        }
        // power law on the same tail (nested in the TPL at Λ = 0): Wilks, 2|R| ~ χ²(1), sf = erfc(√|R|)
        double aPl = 1 + n / sumLog;
        double llPl = n * Math.log((aPl - 1) / c.xmin()) - aPl * sumLog;
        double r = llPl + c.negLogLik();
        return new TruncatedPowerLawFit(c.alpha(), c.lambda(), c.xmin(), c.D(), spikes, -c.negLogLik(), r,
                Erfc.erfc(Math.sqrt(Math.abs(r))), anyGood ? "success" : "no valid fit");
    }
}
