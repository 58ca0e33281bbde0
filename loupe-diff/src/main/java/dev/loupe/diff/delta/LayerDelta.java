package dev.loupe.diff.delta;

import dev.loupe.diff.match.MatchRule;
import dev.loupe.spectral.result.LayerKind;

/**
 * How one layer moved. Norms are of the whole tensor as stored (conv kernels included); the spectra use the
 * matrices inspect analyzes (conv: WeightWatcher's kh·kw slices), so alphas are comparable with {@code inspect}.
 *
 * @param name          layer name in the base checkpoint (for an adapter alone: the adapted module)
 * @param otherName     layer name in the other checkpoint (for an adapter: the module's key in the adapter)
 * @param match         how the pair was found
 * @param kind          the layer's role
 * @param out           output size
 * @param in            input size
 * @param slices        number of matrices the layer is analyzed as (conv: kh·kw)
 * @param deltaNorm     ‖ΔW‖_F
 * @param baseNorm      ‖W‖_F (NaN for an adapter without its base)
 * @param relative      ‖ΔW‖_F / ‖W‖_F
 * @param cosine        ⟨W, W'⟩ / (‖W‖ ‖W'‖) over all elements
 * @param wwEuclidean   WeightWatcher's distances(method='euclidean'): mean over the analyzed matrices of ‖W₁ − W₂‖_F
 * @param wwCka         WeightWatcher's distances(method='cka'): mean of ‖W₁ᵀW₂‖_F / √(‖W₁ᵀW₁‖_F ‖W₂W₂ᵀ‖_F)
 * @param baseAlpha     power-law alpha of W (NaN when not fitted)
 * @param otherAlpha    power-law alpha of W' (for an adapter: of the merged W + ΔW)
 * @param loraRank      the adapter's rank r (0 for a checkpoint difference)
 * @param loraScale     the adapter's scale (lora_alpha/r, or lora_alpha/√r for rsLoRA; 0 otherwise)
 * @param update        the spectrum of ΔW
 */
public record LayerDelta(String name, String otherName, MatchRule match, LayerKind kind, int out, int in, int slices,
                         double deltaNorm, double baseNorm, double relative, double cosine, double wwEuclidean,
                         double wwCka, double baseAlpha, double otherAlpha, int loraRank, double loraScale,
                         UpdateSpectrum update) {
}
