package dev.loupe.core.checkpoint;

import dev.loupe.core.LoupeException;
import dev.loupe.core.format.gguf.GgufReader;
import dev.loupe.core.format.onnx.OnnxReader;
import dev.loupe.core.format.pytorch.PyTorchReader;
import dev.loupe.core.format.safetensors.SafetensorsReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one way to open weights: a file of any supported format, a shard index
 * ({@code *.index.json}) or a directory holding a checkpoint.
 */
public final class Checkpoints {
    private static final List<CheckpointReader> READERS = List.of(
            new GgufReader(), new PyTorchReader(), new OnnxReader(), new SafetensorsReader());

    private Checkpoints() {
    }

    /** Opens {@code path}; throws LoupeException naming the file when it is not a readable checkpoint. */
    public static Checkpoint open(Path path) {
        if (Files.isDirectory(path)) {
            return open(CheckpointDirectory.pick(path));
        }
        if (!Files.exists(path)) {
            throw new LoupeException(path, "no such file or directory");
        }
        if (path.getFileName().toString().endsWith(".index.json")) {
            return ShardedCheckpoint.open(path);
        }
        byte[] head = head(path);
        for (CheckpointReader r : READERS) {
            if (r.accepts(path, head)) {
                return r.open(path);
            }
        }
        throw new LoupeException(path, "not a recognized checkpoint (expected .safetensors, .onnx, .gguf, "
                + ".pt/.pth/.bin or a *.index.json shard index)");
    }

    /**
     * Every file that reading {@code path} touches: the path itself, the checkpoint a directory holds, a shard index's
     * shards, an ONNX model's external data files. An output must be none of them: comparing it with the path the user
     * typed lets {@code --out m/model-00001-of-00002.safetensors} destroy a shard of {@code m/model.safetensors.index.json}.
     * A path that is not a readable checkpoint is returned alone (its own error comes when it is read).
     */
    public static Set<Path> files(Path path) {
        Set<Path> out = new LinkedHashSet<>();
        out.add(path);
        if (!Files.isDirectory(path) && !looksLikeCheckpoint(path)) {
            return out;
        }
        try {
            Path file = Files.isDirectory(path) ? CheckpointDirectory.pick(path) : path;
            out.add(file);
            if (file.getFileName().toString().endsWith(".index.json")) {
                out.addAll(ShardedCheckpoint.shardFiles(file));
            } else if (CheckpointReader.hasExtension(file, ".onnx")) {
                out.addAll(OnnxReader.externalFiles(file));
            }
        } catch (LoupeException e) {
            // not readable: nothing more to protect than the path itself, and the command's own read reports why
        }
        return out;
    }

    /**
     * Bytes on disk of every regular file {@link #files} lists, each real file once: what "the size of the model" means
     * to a user (a shard index with its shards, an ONNX model with its external data), not the tensors' byte count.
     */
    public static long fileBytes(Path path) {
        Set<Path> real = new LinkedHashSet<>();
        for (Path f : files(path)) {
            if (Files.isRegularFile(f)) {
                try {
                    real.add(f.toRealPath());
                } catch (IOException e) {
                    throw new LoupeException(f, "cannot resolve: " + e.getMessage(), e);
                }
            }
        }
        long sum = 0;
        for (Path f : real) {
            try {
                sum += Files.size(f);
            } catch (IOException e) {
                throw new LoupeException(f, "cannot read size: " + e.getMessage(), e);
            }
        }
        return sum;
    }

    /** Whether {@code file} looks like something {@link #open} takes (used to discover checkpoints). */
    public static boolean looksLikeCheckpoint(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        String n = file.getFileName().toString();
        if (n.endsWith(".index.json")) {
            return true;
        }
        byte[] head = head(file);
        return READERS.stream().anyMatch(r -> r.accepts(file, head));
    }

    static List<CheckpointReader> readers() {
        return READERS;
    }

    private static byte[] head(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(16);
        } catch (IOException e) {
            throw new LoupeException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    static Stream<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList().stream();
        } catch (IOException e) {
            throw new LoupeException(dir, "cannot list directory: " + e.getMessage(), e);
        }
    }
}
