/** GPTQ (Frantar et al. 2023, arXiv 2210.17323): 2–8-bit quantization of a linear layer from its XᵀX, with groups and act-order. */
package dev.loupe.compress.gptq;
