/**
 * LoRA / PEFT adapters (Hu et al. 2021, arXiv 2106.09685; rsLoRA, Kalajdzievski 2023, arXiv 2312.03732): the
 * update ΔW = s·B·A of each adapted module, its spectrum from the rank-r factors, and the merged W + ΔW.
 */
package dev.loupe.diff.lora;
