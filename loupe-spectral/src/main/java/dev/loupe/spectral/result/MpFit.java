package dev.loupe.spectral.result;

/**
 * Marchenko–Pastur bulk fit of the ESD rescaled by W_scale² (WeightWatcher's {@code mp_fit=True}).
 *
 * @param sigmaMp    fitted MP scale
 * @param bulkMax    upper bulk edge (σ(1+1/√Q))²/wScale², in ESD units (as WeightWatcher reports it)
 * @param bulkMin    lower bulk edge (σ(1−1/√Q))²/wScale², in ESD units
 * @param wScale     √(#evals)/√(Σλ): the ESD is multiplied by wScale² before the fit
 * @param numSpikes  rescaled eigenvalues above bulkMax + Tracy–Widom margin
 * @param mpSoftrank bulk edge / largest eigenvalue (scale-free)
 * @param method     how sigma was found, e.g. "ww-brute-kde" (same grid and KDE as WeightWatcher)
 */
public record MpFit(double sigmaMp, double bulkMax, double bulkMin, double wScale, int numSpikes,
                    double mpSoftrank, String method) implements java.io.Serializable {
}
