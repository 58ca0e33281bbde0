package dev.loupe.core.format.safetensors;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.CheckpointReader;

import java.nio.file.Path;

/** Reads SAFETENSORS checkpoints. (Placeholder until the reader lands.) */
public final class SafetensorsReader implements CheckpointReader {
    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.SAFETENSORS;
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        return false;
    }

    @Override
    public Checkpoint open(Path file) {
        throw new LoupeException(file, "SAFETENSORS reading is not implemented yet");
    }
}
