package dev.loupe.zoo.discover;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.checkpoint.ShardedCheckpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds the checkpoint files under the given paths, recursively, in a stable (sorted) order. A file
 * named explicitly is taken whatever its name (so a damaged one is recorded, not silently ignored);
 * inside directories only files that look like a checkpoint by name/magic are taken. A shard index
 * ({@code model.safetensors.index.json}, {@code pytorch_model.bin.index.json}) found in a directory is
 * one checkpoint and the shards it names are not taken again as checkpoints of their own: a sharded
 * model is one model in the catalog, with one summary and layer ids over all its shards.
 */
public final class ZooDiscovery {
    private ZooDiscovery() {
    }

    public static List<Path> find(List<Path> roots) {
        TreeSet<Path> found = new TreeSet<>();
        Set<Path> named = new HashSet<>();
        Set<Path> shards = new HashSet<>();
        for (Path root : roots) {
            if (Files.isRegularFile(root)) {
                Path p = root.toAbsolutePath().normalize();
                found.add(p);
                named.add(p);
            } else if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.walk(root)) {
                    s.filter(Files::isRegularFile).filter(ZooDiscovery::candidate)
                            .forEach(p -> found.add(p.toAbsolutePath().normalize()));
                } catch (IOException | java.io.UncheckedIOException e) {
                    throw new LoupeException(root, "cannot list: " + e.getMessage());
                }
            } else {
                throw new LoupeException(root, "no such file or directory");
            }
        }
        for (Path p : found) {
            if (isIndex(p)) {
                try {
                    shards.addAll(ShardedCheckpoint.shardFiles(p));
                } catch (LoupeException e) {
                    // A broken index is recorded as a failure by its task; its shards stay checkpoints of their own.
                }
            }
        }
        shards.removeAll(named);
        found.removeAll(shards);
        return List.copyOf(found);
    }

    static boolean isIndex(Path p) {
        return p.getFileName().toString().endsWith(".index.json");
    }

    private static boolean candidate(Path p) {
        return !p.getFileName().toString().startsWith(".") && Checkpoints.looksLikeCheckpoint(p);
    }
}
