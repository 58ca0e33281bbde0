package dev.loupe.spectral.result;

/**
 * Marchenko–Pastur bulk fit of the ESD rescaled by W_scale² (WeightWatcher's {@code mp_fit=True}).
 *
 * @param sigmaMp    fitted MP scale
 * @param bulkMax    upper bulk edge λ+ = (σ(1+1/√Q))² in rescaled units
 * @param bulkMin    lower bulk edge λ− = (σ(1−1/√Q))²
 * @param wScale     √(#evals)/√(Σλ): the ESD is multiplied by wScale² before the fit
 * @param numSpikes  rescaled eigenvalues above bulkMax + Tracy–Widom margin
 * @param mpSoftrank bulkMax / largest rescaled eigenvalue
 * @param method     how sigma was found, e.g. "ww-brute-kde" (same grid and KDE as WeightWatcher)
 */
public record MpFit(double sigmaMp, double bulkMax, double bulkMin, double wScale, int numSpikes,
                    double mpSoftrank, String method) {
}
