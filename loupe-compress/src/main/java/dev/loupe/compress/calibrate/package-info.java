/** Calibration statistics collected by running the model in ONNX Runtime (Wanda input-activation norms). */
package dev.loupe.compress.calibrate;
