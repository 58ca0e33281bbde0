package dev.loupe.spectral.analysis;

import dev.loupe.spectral.result.MpFit;
import dev.loupe.spectral.result.PowerLawFit;
import dev.loupe.spectral.result.Warning;

import java.util.Locale;

/**
 * Whether a layer's single-precision ESD (ssyrk + ssyevd) resolves the part of the spectrum its fits
 * use; {@code --precision auto} recomputes the layer in double when it does not.
 *
 * <p><b>Error model.</b> Each fp32 eigenvalue λᵢ carries an error of at most
 * δᵢ = {@link #ABSOLUTE}·ε₃₂·λmax + {@link #RELATIVE}·ε₃₂·√N·λᵢ (N = the Gram's depth, the
 * layer's larger side). The absolute part is the eigensolver's and the Gram's backward error ~ε·‖G‖
 * seen by one eigenvalue: to first order λᵢ moves by vᵢᵀEvᵢ, a weighted average of E's entries, not by
 * ‖E‖₂ (the Weyl bound, which grows like √M for a random E); the relative part is the Gram's dot
 * products of length N rounded like a random walk (Higham &amp; Mary, SIAM J. Sci. Comput. 41(5), 2019).
 * Measured against fp64 (OpenBLAS 0.3.30, ssyrk + ssyevd_2stage; WeightWatcher's synthetic set:
 * Gaussian, Student-t, Pareto and spiked 512…4096 × 1024…4096, the CNN, the three LLaMA-7B-shaped
 * layers, MiniLM; {@code loupe-cli/bench/Fp32Errors.java}): the absolute errors of the eigenvalues below
 * λmax/(10·√N) are ≤ 0.74·ε₃₂·λmax, the relative errors of those above λmax/100 ≤ 4.0·ε₃₂·√N (and ≤ 0.14·ε₃₂·√N
 * at xmin). (The earlier model δ = ε₃₂·λmax·√M was the norm-wise worst case and sent layers to double whose
 * fp32 alpha was 1e-5 from fp64's.)
 *
 * <p><b>Rules</b> (any one sends the layer to double):
 * <ul>
 * <li>power-law alpha: the MLE is α = 1 + n / Σ ln(λᵢ/xmin) over the n tail eigenvalues; to first
 *     order it moves by (α−1)²/n·|Σ δᵢ/λᵢ − n·δ(xmin)/xmin|, bounded by {@link #alphaErrorBound}; fall
 *     back if that exceeds {@link #alphaTolerance}: {@link #ALPHA_TOLERANCE}, or, for a fit past the
 *     under-trained threshold whose verdict the bound cannot change, {@link #STANDARD_ERROR_FRACTION} of the
 *     fit's own standard error;</li>
 * <li>PL_Alpha_Hill: the same bound with the Hill threshold (the median eigenvalue);</li>
 * <li>the Marchenko–Pastur bulk edge closer to zero than {@link #EDGE_MARGIN} absolute errors (num_spikes and
 *     mp_softrank count eigenvalues against it);</li>
 * <li>a failed power-law fit (too few or degenerate eigenvalues: cheap to redo, and single precision
 *     must not be the reason it failed).</li>
 * </ul>
 */
public final class SinglePrecisionCheck {
    /** Largest predicted alpha error single precision may leave (the agreement target is 0.01). */
    public static final double ALPHA_TOLERANCE = 0.005;
    /**
     * Above alpha 6 the tolerance is this fraction of the MLE's standard error σ = (α−1)/√n (Clauset, Shalizi &amp;
     * Newman, SIAM Rev. 51(4), 2009, eq. 3.2; WeightWatcher's {@code sigma}) when that is larger. Why: there the
     * bound (α−1)² outgrows any fixed tolerance although the fit itself is uncertain by σ ≥ 1 at alpha 16 with
     * a tail of a few hundred eigenvalues (the generated 7B-shaped model's layers: alpha 15–69, n 22–200, σ
     * 0.9–14), and an independent error of 5 % of σ adds 0.13 % to the total (√(1 + 0.05²)); the under-trained
     * verdict cannot change (alpha − tolerance &gt; 6 is required). Measured (fp32 − fp64 on those layers,
     * {@code loupe-cli/bench/Fp32Errors.java}): |Δalpha| 8e-5 … 0.020, the bound 19–185× above it, so
     * |Δalpha| ≤ 0.003·σ, against the 0.05·σ allowed.
     */
    public static final double STANDARD_ERROR_FRACTION = 0.05;
    /** The bulk edge must be at least this many absolute errors from zero. */
    public static final double EDGE_MARGIN = 100;
    /** Absolute error of an fp32 eigenvalue in units of ε₃₂·λmax (measured ≤ 4.1). */
    public static final double ABSOLUTE = 8;
    /**
     * Relative error of an fp32 eigenvalue in units of ε₃₂·√N (measured ≤ 4.0 on the top eigenvalues, ≤ 0.14
     * at xmin on the LLaMA-shaped layers).
     */
    public static final double RELATIVE = 4;
    private static final double EPS32 = Math.ulp(1.0f);

    private SinglePrecisionCheck() {
    }

    /** a = {@link #ABSOLUTE}·ε₃₂·λmax: the absolute error of any single-precision eigenvalue. */
    public static double resolution(double lambdaMax) {
        return ABSOLUTE * EPS32 * lambdaMax;
    }

    /** r = {@link #RELATIVE}·ε₃₂·√N: the relative error of a single-precision eigenvalue of a depth-N Gram. */
    public static double relativeResolution(int depth) {
        return RELATIVE * EPS32 * Math.sqrt(depth);
    }

    /**
     * The first-order bound on the MLE alpha's change when every eigenvalue λ in [xmin, xmax] moves by
     * up to {@code abs + rel·λ}: (α−1)²·[abs·(1/xmin + mean 1/λ) + rel·(1 + min(1, 3/√n))]. The absolute
     * errors count at their worst; of the relative errors only xmin's does: the n tail eigenvalues' relative
     * errors are separate roundings whose mean stays within 3·rel/√n (the worst case 2·rel for a short tail).
     */
    public static double alphaErrorBound(double[] sortedEvals, double alpha, double xmin, double xmax, double abs,
                                         double rel) {
        double hi = Double.isNaN(xmax) ? Double.POSITIVE_INFINITY : xmax;
        double inv = 0;
        int n = 0;
        for (int i = sortedEvals.length - 1; i >= 0 && sortedEvals[i] >= xmin; i--) {
            if (sortedEvals[i] <= hi) {
                inv += 1 / sortedEvals[i];
                n++;
            }
        }
        double meanInv = n > 0 ? inv / n : 1 / xmin;
        double tailRel = n > 0 ? Math.min(1, 3 / Math.sqrt(n)) : 1;
        return (alpha - 1) * (alpha - 1) * (abs * (1 / xmin + meanInv) + rel * (1 + tailRel));
    }

    /**
     * How far the fit's alpha may move: {@link #ALPHA_TOLERANCE}, or {@link #STANDARD_ERROR_FRACTION}·σ when that
     * is larger and alpha stays above the under-trained threshold by more than it.
     */
    public static double alphaTolerance(PowerLawFit fit) {
        double t = STANDARD_ERROR_FRACTION * fit.sigma();
        return t > ALPHA_TOLERANCE && fit.alpha() - t > Warning.UNDER_TRAINED_ALPHA ? t : ALPHA_TOLERANCE;
    }

    /**
     * Why the single-precision ESD cannot be trusted for this layer, or null when it can.
     *
     * @param sortedEvals the fp32 ESD, ascending (pooled over slices)
     * @param depth       the Gram's depth (the layer's N: each Gram entry is a dot product of this length)
     * @param hillAlpha   PL_Alpha_Hill of the same ESD (NaN when undefined)
     * @param mp          the MP fit, or null when not computed
     */
    public static String unresolved(double[] sortedEvals, int depth, PowerLawFit fit, double hillAlpha, MpFit mp) {
        int n = sortedEvals.length;
        if (n == 0) {
            return null;
        }
        double abs = resolution(sortedEvals[n - 1]);
        double rel = relativeResolution(depth);
        if (!fit.ok()) {
            return "the power-law fit failed";
        }
        double a = alphaErrorBound(sortedEvals, fit.alpha(), fit.xmin(), fit.xmax(), abs, rel);
        double tolerance = alphaTolerance(fit);
        if (!(a <= tolerance)) {
            return String.format(Locale.ROOT, "xmin %.3g is %.3g times single precision's absolute error (%.2g): "
                    + "alpha %.3f could move by %.3g > %.3g", fit.xmin(), fit.xmin() / abs, abs, fit.alpha(), a,
                    tolerance);
        }
        double hillXmin = sortedEvals[n / 2];
        if (Double.isFinite(hillAlpha)
                && !(alphaErrorBound(sortedEvals, hillAlpha, hillXmin, sortedEvals[n - 1], abs, rel) <= ALPHA_TOLERANCE)) {
            return String.format(Locale.ROOT, "the Hill threshold %.3g (median eigenvalue) is %.3g times single "
                    + "precision's absolute error (%.2g)", hillXmin, hillXmin / abs, abs);
        }
        if (mp != null && Double.isFinite(mp.bulkMax()) && mp.bulkMax() < EDGE_MARGIN * abs) {
            return String.format(Locale.ROOT, "the Marchenko-Pastur bulk edge %.3g is within %.0f times single "
                    + "precision's absolute error (%.2g) of zero", mp.bulkMax(), EDGE_MARGIN, abs);
        }
        return null;
    }

    /** Whether some eigenvalue is below the absolute error (matrix_rank, rank_loss and sv_min then are not resolved). */
    public static boolean hasUnresolvedSmallEigenvalues(double[] sortedEvals) {
        int n = sortedEvals.length;
        return n > 0 && sortedEvals[0] < resolution(sortedEvals[n - 1]);
    }
}
