package dev.loupe.core.format.onnx;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.CheckpointReader;

import java.nio.file.Path;

/** Reads ONNX checkpoints. (Placeholder until the reader lands.) */
public final class OnnxReader implements CheckpointReader {
    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.ONNX;
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        return false;
    }

    @Override
    public Checkpoint open(Path file) {
        throw new LoupeException(file, "ONNX reading is not implemented yet");
    }
}
