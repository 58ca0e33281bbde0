package dev.loupe.spectral.layers;

/** How a (Cout, Cin, kh, kw) kernel becomes matrices. */
public enum ConvMode {
    /** WeightWatcher: kh·kw slices W[:,:,i,j] of Cout×Cin, ESDs pooled, each slice scaled by √(1/2) (conv2d_norm). */
    SLICES,
    /** One Cout × (Cin·kh·kw) matrix, unscaled (the "flattened" view other tools use). */
    FLATTEN
}
