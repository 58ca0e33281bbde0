package dev.loupe.landscape.hessian;

import java.util.List;

/**
 * Top eigenpairs of the Hessian, largest magnitude first.
 *
 * @param residuals  ‖Hv − λv‖ for each unit eigenvector estimate v: an exact eigenvalue of H lies within this
 *                   distance of λ (Bauer–Fike for a symmetric matrix)
 * @param iterations Hessian-vector products each eigenvalue took (Lanczos: the steps of the shared run)
 * @param hvps       Hessian-vector products in all
 */
public record TopEigen(double[] eigenvalues, double[] residuals, List<double[]> eigenvectors, int[] iterations, int hvps) {
}
