package dev.loupe.zoo.discover;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds the checkpoint files under the given paths, recursively, in a stable (sorted) order. A file
 * named explicitly is taken whatever its name (so a damaged one is recorded, not silently ignored);
 * inside directories only files that look like a checkpoint by name/magic are taken.
 */
public final class ZooDiscovery {
    private ZooDiscovery() {
    }

    public static List<Path> find(List<Path> roots) {
        TreeSet<Path> found = new TreeSet<>();
        for (Path root : roots) {
            if (Files.isRegularFile(root)) {
                found.add(root.toAbsolutePath().normalize());
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
        return List.copyOf(found);
    }

    private static boolean candidate(Path p) {
        String n = p.getFileName().toString();
        // Shard indexes name their shards; the shards themselves are analyzed as files of their own.
        return !n.startsWith(".") && !n.endsWith(".index.json") && Checkpoints.looksLikeCheckpoint(p);
    }
}
