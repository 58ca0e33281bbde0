/**
 * Calibration statistics from a decoder LM's forward pass on calibration text, per linear layer: the input
 * column norms Wanda scores with (Sun et al. 2023, ‖X_j‖₂ over all calibration tokens) and the input second-moment
 * matrix XᵀX that GPTQ and SparseGPT build their Hessian from (H = 2XᵀX, Frantar &amp; Alistarh 2022/2023).
 */
package dev.loupe.lm.calibrate;
