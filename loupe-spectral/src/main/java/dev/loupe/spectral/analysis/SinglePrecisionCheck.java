package dev.loupe.spectral.analysis;

import dev.loupe.spectral.result.MpFit;
import dev.loupe.spectral.result.PowerLawFit;

import java.util.Locale;

/**
 * Whether a layer's single-precision ESD (ssyrk + ssyevd) resolves the part of the spectrum its fits
 * use; {@code --precision auto} recomputes the layer in double when it does not.
 *
 * <p><b>Resolution.</b> Each fp32 eigenvalue carries an absolute error of about
 * δ = ε₃₂·λmax·√M (M = the Gram's order): rounding errors of the Gram's dot products and of the
 * orthogonal reduction add up like a random walk (Higham &amp; Mary, SIAM J. Sci. Comput. 41(5), 2019,
 * probabilistic error analysis), not like the worst-case ε·λmax·M. Measured against fp64 on Gaussian
 * and Student-t(3) matrices 256…8192×2048 (OpenBLAS 0.3.30): max |error| = 0.1…2.1·δ, rms 0.01…0.1·δ.
 *
 * <p><b>Rules</b> (any one sends the layer to double):
 * <ul>
 * <li>power-law alpha: the MLE is α = 1 + n / Σ ln(λᵢ/xmin); an error δ on xmin (shared by every term)
 *     and on each λᵢ ≥ xmin moves it by at most (α−1)²·2δ/xmin; fall back if that exceeds
 *     {@link #ALPHA_TOLERANCE};</li>
 * <li>PL_Alpha_Hill: the same bound with the Hill threshold (the median eigenvalue);</li>
 * <li>the Marchenko–Pastur bulk edge closer to zero than 100·δ (num_spikes and mp_softrank count
 *     eigenvalues against it);</li>
 * <li>a failed power-law fit (too few or degenerate eigenvalues: cheap to redo, and single precision
 *     must not be the reason it failed).</li>
 * </ul>
 */
public final class SinglePrecisionCheck {
    /** Largest predicted alpha error single precision may leave (the agreement target is 0.01). */
    public static final double ALPHA_TOLERANCE = 0.005;
    /** The bulk edge must be at least this many resolutions from zero. */
    public static final double EDGE_MARGIN = 100;
    private static final double EPS32 = Math.ulp(1.0f);

    private SinglePrecisionCheck() {
    }

    /** δ = ε₃₂·λmax·√M: the absolute error of a single-precision eigenvalue of an order-M Gram. */
    public static double resolution(double lambdaMax, int order) {
        return EPS32 * lambdaMax * Math.sqrt(order);
    }

    /** The bound on the MLE alpha's change when every eigenvalue from xmin up moves by up to δ. */
    public static double alphaErrorBound(double alpha, double xmin, double delta) {
        return (alpha - 1) * (alpha - 1) * 2 * delta / xmin;
    }

    /**
     * Why the single-precision ESD cannot be trusted for this layer, or null when it can.
     *
     * @param sortedEvals the fp32 ESD, ascending (pooled over slices)
     * @param order       the order of each Gram (the layer's M)
     * @param hillAlpha   PL_Alpha_Hill of the same ESD (NaN when undefined)
     * @param mp          the MP fit, or null when not computed
     */
    public static String unresolved(double[] sortedEvals, int order, PowerLawFit fit, double hillAlpha, MpFit mp) {
        int n = sortedEvals.length;
        if (n == 0) {
            return null;
        }
        double delta = resolution(sortedEvals[n - 1], order);
        if (!fit.ok()) {
            return "the power-law fit failed";
        }
        double a = alphaErrorBound(fit.alpha(), fit.xmin(), delta);
        if (!(a <= ALPHA_TOLERANCE)) {
            return String.format(Locale.ROOT, "xmin %.3g is %.3g resolutions of single precision (%.2g): alpha %.3f "
                    + "could move by %.3g > %s", fit.xmin(), fit.xmin() / delta, delta, fit.alpha(), a, ALPHA_TOLERANCE);
        }
        double hillXmin = sortedEvals[n / 2];
        if (Double.isFinite(hillAlpha) && !(alphaErrorBound(hillAlpha, hillXmin, delta) <= ALPHA_TOLERANCE)) {
            return String.format(Locale.ROOT, "the Hill threshold %.3g (median eigenvalue) is %.3g resolutions of single "
                    + "precision (%.2g)", hillXmin, hillXmin / delta, delta);
        }
        if (mp != null && Double.isFinite(mp.bulkMax()) && mp.bulkMax() < EDGE_MARGIN * delta) {
            return String.format(Locale.ROOT, "the Marchenko-Pastur bulk edge %.3g is within %.0f resolutions of single "
                    + "precision (%.2g)", mp.bulkMax(), EDGE_MARGIN, delta);
        }
        return null;
    }

    /** Whether some eigenvalue is below the resolution (matrix_rank, rank_loss and sv_min then are not resolved). */
    public static boolean hasUnresolvedSmallEigenvalues(double[] sortedEvals, int order) {
        int n = sortedEvals.length;
        return n > 0 && sortedEvals[0] < resolution(sortedEvals[n - 1], order);
    }
}
