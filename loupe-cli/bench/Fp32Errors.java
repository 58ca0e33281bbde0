import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.linalg.Backends;
import dev.loupe.linalg.openblas.OpenBlasBackend;
import dev.loupe.spectral.analysis.SinglePrecisionCheck;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.esd.Slices;
import dev.loupe.spectral.fit.HillEstimator;
import dev.loupe.spectral.fit.PowerLawFitter;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.layers.LayerDiscovery;
import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.PowerLawFit;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The measurement behind SinglePrecisionCheck's error model (issue 15): every layer's ESD in single precision
 * (what --precision auto computes first) against double (dsyrk + dsyevd, --precision fp64), eigenvalue by
 * eigenvalue, one thread. Per layer: the largest absolute error of the eigenvalues below λmax/(10·√N) in units
 * of ε₃₂·λmax, the largest relative error of those above λmax/100 and the relative error at the fp64 xmin, in
 * units of ε₃₂·√N, the largest
 * |error| / (a + r·λ) of the model, the alpha and PL_Alpha_Hill differences, and the model's alpha bound.
 *
 *   java --enable-native-access=ALL-UNNAMED -cp loupe-cli/target/loupe-cli.jar loupe-cli/bench/Fp32Errors.java FILE...
 */
public class Fp32Errors {
    private static final double EPS = Math.ulp(1.0f);

    public static void main(String[] files) {
        OpenBlasBackend blas = Backends.openBlas().withThreadsPerCall(1);
        EsdCalculator single = new EsdCalculator(blas, Precision.FP32);
        EsdCalculator dbl = new EsdCalculator(blas, Precision.FP64);
        System.out.println("layer\tN\tM\tabs/(eps*lmax)\trel/(eps*sqrtN)\trel_xmin/(eps*sqrtN)\terr/model\talpha64\tn\tdalpha\tdhill\tfirst_order\tmax_rel_tail/(eps*sqrtN)\talpha_bound\tauto");
        for (String file : files) {
            try (Checkpoint cp = Checkpoints.open(Path.of(file))) {
                for (WeightMatrix m : LayerDiscovery.discover(cp, ConvMode.SLICES).matrices()) {
                    Slices s = Slices.of(m);
                    double[] x = single.spectrum(s).eigenvalues();
                    double[] y = dbl.spectrum(s).eigenvalues();
                    int n = y.length;
                    double lmax = y[n - 1];
                    double a = SinglePrecisionCheck.resolution(x[n - 1]);
                    double r = SinglePrecisionCheck.relativeResolution(m.N());
                    double abs = 0;
                    double rel = 0;
                    double model = 0;
                    for (int i = 0; i < n; i++) {
                        double d = Math.abs(x[i] - y[i]);
                        if (y[i] * Math.sqrt(m.N()) < 0.1 * lmax) {
                            abs = Math.max(abs, d / (EPS * lmax));
                        }
                        if (y[i] > 0.01 * lmax) {
                            rel = Math.max(rel, d / y[i] / (EPS * Math.sqrt(m.N())));
                        }
                        model = Math.max(model, d / (a + r * y[i]));
                    }
                    PowerLawFit f32 = PowerLawFitter.fit(x, false);
                    PowerLawFit f64 = PowerLawFitter.fit(y, false);
                    int ix = f64.ok() ? Arrays.binarySearch(y, f64.xmin()) : -1;
                    double relX = ix >= 0 ? Math.abs(x[ix] - y[ix]) / y[ix] / (EPS * Math.sqrt(m.N())) : Double.NaN;
                    // the exact first-order change (α−1)²·|mean over the tail of ρᵢ − ρ(xmin)|, ρ = fp32/fp64 − 1,
                    // and the largest relative error over the fp64 tail
                    double firstOrder = Double.NaN;
                    double relTail = 0;
                    int nTail = 0;
                    if (ix >= 0) {
                        double sum = 0;
                        double rx = (x[ix] - y[ix]) / y[ix];
                        for (int i = ix; i < n; i++) {
                            double ri = (x[i] - y[i]) / y[i];
                            sum += ri - rx;
                            relTail = Math.max(relTail, Math.abs(ri) / (EPS * Math.sqrt(m.N())));
                        }
                        nTail = n - ix;
                        firstOrder = (f64.alpha() - 1) * (f64.alpha() - 1) * Math.abs(sum) / nTail;
                    }
                    double bound = f32.ok() ? SinglePrecisionCheck.alphaErrorBound(x, f32.alpha(), f32.xmin(), f32.xmax(), a, r)
                            : Double.NaN;
                    String why = SinglePrecisionCheck.unresolved(x, m.N(), f32, HillEstimator.plAlphaHill(x), null);
                    System.out.printf(java.util.Locale.ROOT, "%s\t%d\t%d\t%.3g\t%.3g\t%.3g\t%.3f\t%.6f\t%d\t%.2e\t%.2e\t%.2e\t%.3g\t%.3g\t%s%n",
                            m.name(), m.N(), m.M(), abs, rel, relX, model, f64.alpha(), nTail, f32.alpha() - f64.alpha(),
                            HillEstimator.plAlphaHill(x) - HillEstimator.plAlphaHill(y), firstOrder, relTail, bound,
                            why == null ? "fp32" : "fp64 (" + why + ")");
                }
            }
        }
    }
}
