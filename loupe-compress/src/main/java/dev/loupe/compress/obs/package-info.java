/**
 * The optimal-brain-surgeon machinery GPTQ and SparseGPT share: the dampened inverse-Hessian factor from a layer's
 * XᵀX ({@code InverseHessian}, {@code Cholesky}) and the lazy-batch column sweep ({@code LazyBatch}) that quantizes or
 * prunes one input column at a time and moves its error onto the columns not yet done.
 */
package dev.loupe.compress.obs;
