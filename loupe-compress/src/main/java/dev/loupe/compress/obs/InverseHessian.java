package dev.loupe.compress.obs;

import dev.loupe.core.LoupeException;

/**
 * The factor GPTQ and SparseGPT sweep with: the upper Cholesky factor U of the dampened inverse Hessian,
 * H⁻¹ = UᵀU with H = XᵀX (up to the references' 2/n scaling, which no result depends on). Row i of U is
 * the inverse Hessian of the columns not yet processed, restricted to row i and scaled by 1/√[H_F⁻¹]_ii,
 * which is what lets both algorithms update all later columns at once (GPTQ, Frantar et al. 2022,
 * arXiv 2210.17323, Sec. 3 "Cholesky reformulation"; SparseGPT, arXiv 2301.00774, Sec. 3.2).
 *
 * <p>As the reference code (github IST-DASLab/gptq {@code gptq.py fasterquant}, IST-DASLab/sparsegpt
 * {@code sparsegpt.py fasterprune}): inputs whose diagonal is 0 (never active in the calibration data) are
 * "dead", their diagonal set to 1 (their weights are zeroed by the caller); then λ = dampening·mean(diag H)
 * is added to the diagonal. The reference computes cholesky(H) → cholesky_inverse → cholesky(upper); we get
 * the same unique U in fewer steps: with J the reversal, JHJ = L'L'ᵀ, so H = VVᵀ with V = JL'J upper and
 * U = V⁻¹ = J·L'⁻¹·J.
 *
 * @param u     n×n row-major, upper triangular, positive diagonal, in processing order
 * @param n     input channels
 * @param dead  dead[c] for original column c
 * @param order processing position → original column (the identity unless act-order)
 */
public record InverseHessian(double[] u, int n, boolean[] dead, int[] order) {

    /** The references' default: 1 % of the mean diagonal. */
    public static final double DEFAULT_DAMPENING = 0.01;

    /**
     * @param xtx        XᵀX, n×n row-major (not modified)
     * @param dampening  fraction of the mean diagonal added to it
     * @param actOrder   process columns by decreasing diagonal (GPTQ's "act-order"); ties keep column order
     * @throws LoupeException when the dampened matrix is not positive definite (e.g. NaN activations)
     */
    public static InverseHessian of(double[] xtx, int n, double dampening, boolean actOrder) {
        if ((long) n * n != xtx.length) {
            throw new IllegalArgumentException(xtx.length + " entries for a " + n + "x" + n + " XᵀX");
        }
        if (!(dampening >= 0)) {
            throw new IllegalArgumentException("dampening must be >= 0, got " + dampening);
        }
        boolean[] dead = new boolean[n];
        double[] diag = new double[n];
        double mean = 0;
        for (int c = 0; c < n; c++) {
            double d = xtx[c * n + c];
            if (!Double.isFinite(d)) {
                throw new LoupeException("XᵀX has a non-finite diagonal entry (" + d + ") at input " + c);
            }
            dead[c] = d == 0;
            diag[c] = dead[c] ? 1 : d;
            mean += diag[c];
        }
        double damp = dampening * mean / Math.max(1, n);
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        if (actOrder) {
            java.util.Arrays.sort(boxed, (x, y) -> Double.compare(diag[y], diag[x]));
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        // r = J·P·H·Pᵀ·J (lower triangle), dead diagonals 1, dampened
        double[] r = new double[n * n];
        for (int i = 0; i < n; i++) {
            int oi = order[n - 1 - i];
            for (int j = 0; j <= i; j++) {
                int oj = order[n - 1 - j];
                r[i * n + j] = oi == oj ? diag[oi] + damp : xtx[oi * n + oj];
            }
        }
        if (!Cholesky.factor(r, n)) {
            throw new LoupeException("XᵀX is not positive definite even after dampening by " + dampening
                    + " of its mean diagonal; give more calibration data or a larger dampening");
        }
        double[] u;
        if (Cholesky.NATIVE != null) {
            Cholesky.NATIVE.invertLower(r, n);
            u = r;
        } else {
            u = Cholesky.invertLower(r, n, null);
        }
        // U = J·L'⁻¹·J: entry (i, j) is entry (n−1−i, n−1−j), i.e. the row-major array reversed
        for (int a = 0, b = u.length - 1; a < b; a++, b--) {
            double t = u[a];
            u[a] = u[b];
            u[b] = t;
        }
        return new InverseHessian(u, n, dead, order);
    }

    /**
     * Row-major [rows, n] weights in original column order as the sweep's matrix: columns in processing order
     * (act-order's permutation), dead inputs' weights 0 (as the references, which zero {@code W[:, dead]}). The one
     * input permutation GPTQ and SparseGPT share; {@link #unpermute} undoes it.
     *
     * @throws IllegalArgumentException on a non-finite weight
     */
    public double[] permute(float[] w, int rows) {
        if ((long) rows * n != w.length) {
            throw new IllegalArgumentException(w.length + " weights for " + rows + "x" + n);
        }
        double[] x = new double[w.length];
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < n; p++) {
                int c = order[p];
                float v = w[r * n + c];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("weight (" + r + ", " + c + ") is " + v);
                }
                x[r * n + p] = dead[c] ? 0 : v;
            }
        }
        return x;
    }

    /** The inverse of {@link #permute}'s column order: column p of {@code x} becomes column order[p]. */
    public double[] unpermute(double[] x, int rows) {
        double[] out = new double[x.length];
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < n; p++) {
                out[r * n + order[p]] = x[r * n + p];
            }
        }
        return out;
    }

    /** U_ii, the square root of the inverse Hessian's diagonal over the columns from i on. */
    public double diagonal(int i) {
        return u[i * n + i];
    }
}
