package dev.loupe.core.format.pytorch;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.CheckpointReader;

import java.nio.file.Path;

/** Reads PYTORCH checkpoints. (Placeholder until the reader lands.) */
public final class PyTorchReader implements CheckpointReader {
    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.PYTORCH;
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        return false;
    }

    @Override
    public Checkpoint open(Path file) {
        throw new LoupeException(file, "PYTORCH reading is not implemented yet");
    }
}
