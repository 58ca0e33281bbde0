package dev.loupe.spectral.fit;

import dev.loupe.spectral.result.TruncatedPowerLawFit;

/**
 * WeightWatcher's {@code fit='E_TPL'}: the tail λ ≥ xmin of the ESD fitted by the truncated power law
 * p(λ) = λ^−α·e^−Λλ / Z(α, Λ), Z = ∫_xmin^∞ x^−α e^−Λx dx (powerlaw's TruncatedPowerLaw, which
 * WeightWatcher 0.7.x calls with {@code fix_fingers='xmin_peak'}).
 * <p>
 * xmin: WeightWatcher's xmin_peak rule — the left edge of the fullest of 100 log10-bins of the
 * eigenvalues above 1e-5, candidates from {@code log10(0.95·peak)} to {@code 1.5·peak} (WeightWatcher
 * mixes a log10 lower bound with a linear upper one; kept as written), the candidate whose power-law fit
 * has the smallest KS distance. Then (α, Λ) by maximum likelihood. This is an exponential family in
 * the statistics (ln x, x), so the log-likelihood is jointly concave and nested golden-section searches
 * (Λ outside, α inside) find the global maximum; powerlaw polishes with a Nelder–Mead start instead.
 * Z is a 1-D integral computed by Simpson's rule after x = xmin·e^u (smooth, log-concave integrand),
 * written by hand: Commons Math's incomplete gamma does not take the negative shape 1−α that occurs here.
 */
public final class TruncatedPowerLawFitter {
    private static final int SIMPSON = 2000;
    private static final int GOLDEN_ITERS = 80;
    /** powerlaw 1.x (WeightWatcher 0.7.x) Truncated_Power_Law._in_standard_parameter_range: alpha     private static final double ALPHA_LO = 0.0;gt; 1, Lambda     private static final double ALPHA_LO = 0.0;gt; 0. */
    private static final double ALPHA_LO = 1.0;
    private static final double ALPHA_HI = 20.0;

    private TruncatedPowerLawFitter() {
    }

    /** E_TPL of an ascending ESD; null when fewer than 3 eigenvalues lie in the tail. */
    public static TruncatedPowerLawFit fit(double[] sortedEvals) {
        double[] nz = PowerLawFitter.aboveThreshold(sortedEvals);
        if (nz.length < 3) {
            return null;
        }
        double xmin = xminPeak(nz);
        int start = 0;
        while (start < nz.length && nz[start] < xmin) {
            start++;
        }
        double[] tail = java.util.Arrays.copyOfRange(nz, start, nz.length);
        return tail.length < 3 ? null : mle(tail, xmin);
    }

    /** WeightWatcher's xmin_peak search (see the class comment). */
    static double xminPeak(double[] nz) {
        double l0 = Math.log10(nz[0]);
        double l1 = Math.log10(nz[nz.length - 1]);
        int bins = 100;
        int[] counts = new int[bins];
        double width = (l1 - l0) / bins;
        for (double v : nz) {
            int b = width > 0 ? (int) ((Math.log10(v) - l0) / width) : 0;
            counts[Math.min(b, bins - 1)]++;
        }
        int ih = 0;
        for (int i = 1; i < bins; i++) {
            if (counts[i] > counts[ih]) {
                ih = i;
            }
        }
        double peak = Math.pow(10, l0 + ih * width);
        double lo = Math.log10(0.95 * peak);
        double hi = 1.5 * peak;
        double[] logs = new double[nz.length];
        for (int i = 0; i < nz.length; i++) {
            logs[i] = Math.log(nz[i]);
        }
        double[] suffix = new double[nz.length + 1];
        for (int i = nz.length - 1; i >= 0; i--) {
            suffix[i] = suffix[i + 1] + logs[i];
        }
        double best = nz[0];
        double bestD = Double.POSITIVE_INFINITY;
        for (int i = 0; i < nz.length - 1; i++) {
            if (nz[i] < lo || nz[i] > hi || (i > 0 && nz[i] == nz[i - 1])) {
                continue;
            }
            double n = nz.length - i;
            double alpha = 1 + n / (suffix[i] - n * logs[i]);
            double d = alpha > 1 ? PowerLawFitter.ksDistance(nz, logs, i, nz.length, alpha) : 1.0;
            if (d < bestD) {
                bestD = d;
                best = nz[i];
            }
        }
        return best;
    }

    /** Maximum-likelihood (α, Λ) of the TPL on {@code tail} (all ≥ xmin), with the power-law comparison. */
    public static TruncatedPowerLawFit mle(double[] tail, double xmin) {
        int n = tail.length;
        double sumLog = 0;
        double sumX = 0;
        for (double x : tail) {
            sumLog += Math.log(x);
            sumX += x;
        }
        double sl = sumLog;
        double sx = sumX;
        // Λ above n/Σ(x − xmin) only fits if α < 0 (outside the range): an exponential tail bounds it
        double excess = Math.max(sumX - n * xmin, 1e-300);
        double lambdaHi = 4.0 * n / excess;
        double[] bestAlpha = new double[1];
        double lambda = golden(0, lambdaHi, l -> {
            double a = golden(ALPHA_LO, ALPHA_HI, al -> logLikelihood(al, l, xmin, n, sl, sx));
            return logLikelihood(a, l, xmin, n, sl, sx);
        });
        bestAlpha[0] = golden(ALPHA_LO, ALPHA_HI, al -> logLikelihood(al, lambda, xmin, n, sl, sx));
        double ll = logLikelihood(bestAlpha[0], lambda, xmin, n, sl, sx);
        // power law on the same tail: continuous MLE alpha = 1 + n / Σ ln(x/xmin)
        double aPl = 1 + n / (sumLog - n * Math.log(xmin));
        double llPl = n * Math.log(aPl - 1) - n * Math.log(xmin) - aPl * (sumLog - n * Math.log(xmin));
        double r = llPl - ll;
        // nested models (Λ = 0 is the power law): Wilks, 2|R| ~ χ²(1); sf = erfc(√(|R|))
        double p = Erfc.erfc(Math.sqrt(Math.abs(r)));
        return new TruncatedPowerLawFit(bestAlpha[0], lambda, xmin, n, ll, r, p);
    }

    /** Σ ln p(x_i) given the sufficient statistics Σ ln x and Σ x. */
    static double logLikelihood(double alpha, double lambda, double xmin, int n, double sumLog, double sumX) {
        double lnZ = logNormalizer(alpha, lambda, xmin);
        return Double.isFinite(lnZ) ? -alpha * sumLog - lambda * sumX - n * lnZ : Double.NEGATIVE_INFINITY;
    }

    /** ln Z(α, Λ) = ln ∫_xmin^∞ x^−α e^−Λx dx; +∞ when it diverges (Λ = 0 and α ≤ 1). */
    static double logNormalizer(double alpha, double lambda, double xmin) {
        double a = 1 - alpha;
        double c = lambda * xmin;
        if (c <= 0) {
            return a < 0 ? a * Math.log(xmin) - Math.log(-a) : Double.POSITIVE_INFINITY;
        }
        // Z = xmin^a ∫_0^∞ exp(a·u − c·e^u) du; the exponent peaks at u* = max(0, ln(a/c)) and is concave
        double uStar = a > c ? Math.log(a / c) : 0;
        double gMax = a * uStar - c * Math.exp(uStar);
        // right end: the exponent has fallen by 60 below its peak (e^-60 of the peak: negligible)
        double u1 = uStar + 1;
        while (a * u1 - c * Math.exp(u1) > gMax - 60) {
            u1 = uStar + 2 * (u1 - uStar);
        }
        double h = u1 / SIMPSON;
        double sum = 0;
        for (int i = 0; i <= SIMPSON; i++) {
            double u = i * h;
            double w = i == 0 || i == SIMPSON ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += w * Math.exp(a * u - c * Math.exp(u) - gMax);
        }
        return a * Math.log(xmin) + gMax + Math.log(sum * h / 3);
    }

    /** Maximizer of a unimodal function on [lo, hi]. */
    private static double golden(double lo, double hi, java.util.function.DoubleUnaryOperator f) {
        double g = (Math.sqrt(5) - 1) / 2;
        double a = lo;
        double b = hi;
        double c = b - g * (b - a);
        double d = a + g * (b - a);
        double fc = f.applyAsDouble(c);
        double fd = f.applyAsDouble(d);
        for (int i = 0; i < GOLDEN_ITERS; i++) {
            if (fc >= fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - g * (b - a);
                fc = f.applyAsDouble(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + g * (b - a);
                fd = f.applyAsDouble(d);
            }
        }
        return (a + b) / 2;
    }
}
