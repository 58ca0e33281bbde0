/** Element statistics of weight tensors: moments, generalized-Gaussian shape, quantization error. */
package dev.loupe.spectral.weights;
