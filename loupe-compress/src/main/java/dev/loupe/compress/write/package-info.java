/** Writers of compressed checkpoints (safetensors and ONNX) built on the core writers. */
package dev.loupe.compress.write;
