/** {@code loupe landscape} and {@code loupe hessian}: loss-landscape slices, topology and Hessian spectra, and the model/data options they share. */
package dev.loupe.cli.landscape;
