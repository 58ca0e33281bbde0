package dev.loupe.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F32;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;

/**
 * Pure-Java fallback through EJML (a maintained library; no reason to hand-write a symmetric QR
 * algorithm). Tens of times slower than native LAPACK on large layers, so it is the last resort.
 */
public final class EjmlBackend implements DenseBackend {
    @Override
    public String name() {
        return "ejml 0.44 (pure Java)";
    }

    @Override
    public double[] smallerGram(double[] a, int rows, int cols) {
        Matrices.checkShape(a.length, rows, cols);
        DMatrixRMaj m = DMatrixRMaj.wrap(rows, cols, a);
        int k = Math.min(rows, cols);
        DMatrixRMaj g = new DMatrixRMaj(k, k);
        if (cols <= rows) {
            CommonOps_DDRM.multInner(m, g);
        } else {
            CommonOps_DDRM.multOuter(m, g);
        }
        return g.data;
    }

    @Override
    public float[] smallerGram(float[] a, int rows, int cols) {
        Matrices.checkShape(a.length, rows, cols);
        FMatrixRMaj m = FMatrixRMaj.wrap(rows, cols, a);
        int k = Math.min(rows, cols);
        FMatrixRMaj g = new FMatrixRMaj(k, k);
        if (cols <= rows) {
            CommonOps_FDRM.multInner(m, g);
        } else {
            CommonOps_FDRM.multOuter(m, g);
        }
        return g.data;
    }

    @Override
    public double[] symmetricEigenvalues(double[] sym, int n) {
        Matrices.checkFinite(sym, n);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
        if (!eig.decompose(DMatrixRMaj.wrap(n, n, sym))) {
            throw new ArithmeticException("symmetric eigenvalue decomposition did not converge (n=" + n + ")");
        }
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) {
            ev[i] = eig.getEigenvalue(i).real;
        }
        Arrays.sort(ev);
        return ev;
    }

    /** Eigenvalues and vectors by EJML's symmetric QR, sorted ascending (see {@link DenseBackend#symmetricEigenSystem}). */
    static EigenSystem eigenSystem(double[] sym, int n) {
        Matrices.checkFinite(sym, n);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(DMatrixRMaj.wrap(n, n, sym))) {
            throw new ArithmeticException("symmetric eigenvalue decomposition did not converge (n=" + n + ")");
        }
        Integer[] order = new Integer[n];
        double[] raw = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            raw[i] = eig.getEigenvalue(i).real;
        }
        Arrays.sort(order, (x, y) -> Double.compare(raw[x], raw[y]));
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int j = 0; j < n; j++) {
            values[j] = raw[order[j]];
            System.arraycopy(eig.getEigenVector(order[j]).data, 0, vectors, j * n, n);
        }
        return new EigenSystem(values, vectors, n);
    }

    @Override
    public float[] symmetricEigenvalues(float[] sym, int n) {
        Matrices.checkFinite(sym, n);
        EigenDecomposition_F32<FMatrixRMaj> eig = DecompositionFactory_FDRM.eig(n, false, true);
        if (!eig.decompose(FMatrixRMaj.wrap(n, n, sym))) {
            throw new ArithmeticException("symmetric eigenvalue decomposition did not converge (n=" + n + ")");
        }
        float[] ev = new float[n];
        for (int i = 0; i < n; i++) {
            ev[i] = eig.getEigenvalue(i).real;
        }
        Arrays.sort(ev);
        return ev;
    }
}
