package dev.loupe.spectral.fit;

/**
 * The upper incomplete gamma function Γ(s, x) = ∫ₓ^∞ t^(s−1) e^(−t) dt for any real s and x &gt; 0, negative s
 * included (what the truncated power law's normalizer needs: s = 1 − α &lt; 0; powerlaw calls mpmath's
 * {@code gammainc(s, x)}). For x ≥ 1 Legendre's continued fraction (modified Lentz; Numerical Recipes §6.2,
 * valid for every s). Below, Γ(a, x) for a = s − round(s) ∈ [−½, ½] by the series
 * Γ(a, x) = (Γ(1+a) − 1)/a − (x^a − 1)/a − x^a Σₙ₌₁ (−x)ⁿ/(n!(a+n)), whose first two terms are formed without
 * cancellation (ln Γ(1+a) by its ζ series, expm1), so a → 0 (Γ(0, x) = E₁(x)) is as accurate as any other a; then
 * |round(s)| steps of Γ(a−1, x) = (Γ(a, x) − x^(a−1) e^(−x))/(a−1) down or Γ(a+1, x) = aΓ(a, x) + x^a e^(−x) up,
 * neither of which amplifies errors. Relative accuracy ~1e-14.
 */
public final class IncompleteGamma {
    private static final double EPS = 1e-16;
    private static final double TINY = 1e-300;
    private static final double EULER = 0.5772156649015329;
    /** ζ(k) for k = 2..61 (|a| ≤ ½: the 60th term is below 1e-19). */
    private static final double[] ZETA = zetas(60);

    private IncompleteGamma() {
    }

    /** Γ(s, x), x &gt; 0. */
    public static double upper(double s, double x) {
        if (!(x > 0)) {
            throw new IllegalArgumentException("x must be > 0, got " + x);
        }
        if (x >= 1) {
            return continuedFraction(s, x);
        }
        double m = Math.rint(s);
        double a = s - m;
        double g = smallX(a, x);
        double ex = Math.exp(-x);
        for (; m < 0; m++) {
            a -= 1;
            g = (g - Math.pow(x, a) * ex) / a;
        }
        for (; m > 0; m--) {
            g = a * g + Math.pow(x, a) * ex;
            a += 1;
        }
        return g;
    }

    /** Γ(a, x) for |a| ≤ ½, 0 &lt; x &lt; 1 (see the class comment). */
    private static double smallX(double a, double x) {
        double lx = Math.log(x);
        // (Γ(1+a) − 1)/a = expm1(L)/a with L = ln Γ(1+a) = −γa + Σₖ₌₂ (−1)^k ζ(k) a^k / k
        double lOverA = -EULER;
        double p = 1; // (−1)^k a^(k−1)
        for (int k = 2; k < ZETA.length + 2; k++) {
            p *= k == 2 ? a : -a;
            lOverA += ZETA[k - 2] * p / k;
        }
        double l = lOverA * a;
        double t1 = l == 0 ? lOverA : Math.expm1(l) / l * lOverA;
        double al = a * lx;
        double t2 = al == 0 ? lx : Math.expm1(al) / al * lx;
        double term = 1;
        double sum = 0;
        for (int n = 1; n < 300; n++) {
            term *= -x / n;
            double add = term / (a + n);
            sum += add;
            if (Math.abs(add) < EPS * Math.abs(sum)) {
                break;
            }
        }
        return t1 - t2 - Math.exp(al) * sum;
    }

    private static double continuedFraction(double s, double x) {
        double b = x + 1 - s;
        double c = 1 / TINY;
        double d = 1 / (Math.abs(b) < TINY ? TINY : b);
        double h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - s);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < TINY) {
                d = TINY;
            }
            c = b + an / c;
            if (Math.abs(c) < TINY) {
                c = TINY;
            }
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < EPS) {
                break;
            }
        }
        return Math.exp(-x + s * Math.log(x)) * h;
    }

    /** ζ(2..count+1): Σₙ≤₁₀₀ n^−k plus the Euler–Maclaurin tail (three terms; error &lt; 1e-17 for k ≥ 2). */
    private static double[] zetas(int count) {
        double[] z = new double[count];
        int nMax = 100;
        for (int i = 0; i < count; i++) {
            int k = i + 2;
            double s = 0;
            for (int n = nMax; n >= 1; n--) {
                s += Math.pow(n, -k);
            }
            double big = nMax;
            s += Math.pow(big, 1 - k) / (k - 1) - Math.pow(big, -k) / 2 + k * Math.pow(big, -k - 1) / 12
                    - k * (k + 1.0) * (k + 2) * Math.pow(big, -k - 3) / 720;
            z[i] = s;
        }
        return z;
    }
}
