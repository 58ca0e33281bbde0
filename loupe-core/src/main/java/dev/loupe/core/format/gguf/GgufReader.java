package dev.loupe.core.format.gguf;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.CheckpointReader;

import java.nio.file.Path;

/** Reads GGUF checkpoints. (Placeholder until the reader lands.) */
public final class GgufReader implements CheckpointReader {
    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.GGUF;
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        return false;
    }

    @Override
    public Checkpoint open(Path file) {
        throw new LoupeException(file, "GGUF reading is not implemented yet");
    }
}
