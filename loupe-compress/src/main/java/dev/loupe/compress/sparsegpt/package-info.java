/** SparseGPT (Frantar and Alistarh 2023, arXiv 2301.00774): unstructured and N:M pruning of a linear layer from its XᵀX. */
package dev.loupe.compress.sparsegpt;
