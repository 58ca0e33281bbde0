package dev.loupe.spectral.fit;

/**
 * WeightWatcher's rand_distance: RMT_Util.jensen_shannon_distance(evals, rand_evals), i.e. scipy's
 * {@code sqrt((entropy(p, m) + entropy(q, m)) / 2)} with m = (p+q)/2, where p and q are the two
 * ascending eigenvalue vectors themselves, each normalized to sum 1 (scipy.stats.entropy normalizes).
 * Note the quirk: the vectors are paired rank by rank, not binned into densities.
 */
public final class JensenShannon {
    private JensenShannon() {
    }

    public static double distance(double[] p, double[] q) {
        if (p.length != q.length) {
            throw new IllegalArgumentException("lengths " + p.length + " and " + q.length);
        }
        double[] m = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            m[i] = (p[i] + q[i]) / 2;
        }
        return Math.sqrt((kl(p, m) + kl(q, m)) / 2);
    }

    /** scipy.stats.entropy(pk, qk): both normalized, Σ p ln(p/q) with 0·ln 0 = 0. */
    static double kl(double[] pk, double[] qk) {
        double sp = 0;
        double sq = 0;
        for (int i = 0; i < pk.length; i++) {
            sp += pk[i];
            sq += qk[i];
        }
        double s = 0;
        for (int i = 0; i < pk.length; i++) {
            double p = pk[i] / sp;
            double q = qk[i] / sq;
            if (p > 0) {
                s += q > 0 ? p * Math.log(p / q) : Double.POSITIVE_INFINITY;
            }
        }
        return s;
    }
}
