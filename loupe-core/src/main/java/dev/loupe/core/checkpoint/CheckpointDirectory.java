package dev.loupe.core.checkpoint;

import dev.loupe.core.LoupeException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Picks the checkpoint inside a directory, the way the Hugging Face layout names it: a shard index
 * first, then a single weights file of a known name, then the only weights file present.
 */
final class CheckpointDirectory {
    private static final List<String> PREFERRED = List.of(
            "model.safetensors.index.json", "model.safetensors",
            "pytorch_model.bin.index.json", "pytorch_model.bin", "model.onnx");

    private CheckpointDirectory() {
    }

    static Path pick(Path dir) {
        for (String name : PREFERRED) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        List<Path> indexes = Checkpoints.list(dir).filter(p -> p.getFileName().toString().endsWith(".index.json")).toList();
        if (indexes.size() == 1) {
            return indexes.getFirst();
        }
        List<Path> candidates = Checkpoints.list(dir)
                .filter(p -> !p.getFileName().toString().endsWith(".json"))
                .filter(Checkpoints::looksLikeCheckpoint).toList();
        if (candidates.size() == 1) {
            return candidates.getFirst();
        }
        if (candidates.isEmpty()) {
            throw new LoupeException(dir, "no checkpoint in this directory (no .safetensors, .onnx, .gguf, .pt/.bin or *.index.json)");
        }
        throw new LoupeException(dir, "holds " + candidates.size() + " checkpoints ("
                + candidates.stream().map(p -> p.getFileName().toString()).limit(5).toList()
                + (candidates.size() > 5 ? ", ..." : "") + "); name one");
    }
}
