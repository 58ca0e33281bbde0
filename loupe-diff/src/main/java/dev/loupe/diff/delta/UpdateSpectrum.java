package dev.loupe.diff.delta;

import dev.loupe.spectral.fit.PowerLawFitter;
import dev.loupe.spectral.result.PowerLawFit;

import java.util.Arrays;

/**
 * What the spectrum of an update ΔW says: its power-law alpha (only when there are enough nonzero eigenvalues for
 * the fit to mean anything), stable rank ‖ΔW‖_F²/‖ΔW‖₂², the entropy-based effective rank of Roy &amp; Vetterli
 * (2007), exp(−Σ p_k ln p_k) with p_k = σ_k/Σσ, and the largest singular values.
 *
 * @param nonzero        eigenvalues of ΔWᵀΔW above the numerical-zero threshold (at most the update's rank)
 * @param alpha          power-law exponent of the ΔW ESD tail (WeightWatcher's fit), NaN when not fitted
 * @param stableRank     Σλ / λ_max
 * @param effectiveRank  exp(entropy of the normalized singular values)
 * @param topSingular    the largest singular values of ΔW, descending (at most 5)
 * @param note           why alpha is missing ("too few eigenvalues (n < 10)", "zero update"), or ""
 */
public record UpdateSpectrum(int nonzero, double alpha, double stableRank, double effectiveRank, double[] topSingular,
                             String note) {
    /** WeightWatcher's min_evals default: below it a power-law fit is not attempted. */
    public static final int MIN_EVALS = 10;
    private static final int TOP = 5;

    /** The power-law alpha of an ESD (ascending), NaN with fewer than {@link #MIN_EVALS} nonzero eigenvalues. */
    public static double alphaOf(double[] sortedEigenvalues) {
        int nonzero = 0;
        for (double v : sortedEigenvalues) {
            nonzero += v > PowerLawFitter.EVALS_THRESH ? 1 : 0;
        }
        if (nonzero < MIN_EVALS) {
            return Double.NaN;
        }
        PowerLawFit fit = PowerLawFitter.fit(sortedEigenvalues, false);
        return fit.ok() ? fit.alpha() : Double.NaN;
    }

    /** From the eigenvalues of ΔWᵀΔW (any order; zeros allowed). */
    public static UpdateSpectrum of(double[] eigenvalues) {
        double[] ev = eigenvalues.clone();
        Arrays.sort(ev);
        double max = ev.length == 0 ? 0 : ev[ev.length - 1];
        // numerical zero: what a rank-deficient Gram leaves behind, relative to the largest eigenvalue
        double tol = max * ev.length * Math.ulp(1.0) * 16;
        int first = 0;
        while (first < ev.length && !(ev[first] > tol)) {
            first++;
        }
        double[] nz = Arrays.copyOfRange(ev, first, ev.length);
        if (nz.length == 0) {
            return new UpdateSpectrum(0, Double.NaN, 0, 0, new double[0], "zero update");
        }
        double sumEv = 0;
        double sumSv = 0;
        for (double v : nz) {
            sumEv += v;
            sumSv += Math.sqrt(v);
        }
        double h = 0;
        for (double v : nz) {
            double p = Math.sqrt(v) / sumSv;
            h -= p > 0 ? p * Math.log(p) : 0;
        }
        double[] top = new double[Math.min(TOP, nz.length)];
        for (int i = 0; i < top.length; i++) {
            top[i] = Math.sqrt(nz[nz.length - 1 - i]);
        }
        double alpha = Double.NaN;
        String note = "";
        if (nz.length < MIN_EVALS) {
            note = "too few eigenvalues (" + nz.length + " < " + MIN_EVALS + ") for a power-law fit";
        } else {
            PowerLawFit fit = PowerLawFitter.fit(nz, false);
            alpha = fit.ok() ? fit.alpha() : Double.NaN;
            note = fit.ok() ? "" : "power-law fit failed";
        }
        return new UpdateSpectrum(nz.length, alpha, sumEv / max, Math.exp(h), top, note);
    }
}
