package dev.loupe.core.checkpoint;

/** The file formats Loupe reads. */
public enum CheckpointFormat {
    SAFETENSORS, ONNX, GGUF, PYTORCH
}
