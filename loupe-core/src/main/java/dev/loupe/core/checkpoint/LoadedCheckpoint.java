package dev.loupe.core.checkpoint;

import dev.loupe.core.graph.Graph;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checkpoint every reader returns: what was opened, its tensors (views over mapped files), its
 * metadata and optional graph, and the resources (mappings, shards) that closing releases. Readers
 * differ in how they index a file, not in what an opened checkpoint is, so they share this class.
 */
public final class LoadedCheckpoint implements Checkpoint {
    private final Path source;
    private final CheckpointFormat format;
    private final List<Tensor> tensors;
    private final Map<String, String> metadata;
    private final Graph graph;
    private final List<AutoCloseable> resources;

    /**
     * @param graph     the computation graph, or null when the format has none
     * @param resources closed in order by {@link #close()}; the tensors must not be read afterwards
     */
    public LoadedCheckpoint(Path source, CheckpointFormat format, List<Tensor> tensors, Map<String, String> metadata,
                            Graph graph, List<? extends AutoCloseable> resources) {
        this.source = source;
        this.format = format;
        this.tensors = List.copyOf(tensors);
        // Insertion order is kept: formats list metadata in a meaningful order (GGUF: general.* first).
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.graph = graph;
        this.resources = List.copyOf(resources);
    }

    @Override
    public Path source() {
        return source;
    }

    @Override
    public CheckpointFormat format() {
        return format;
    }

    @Override
    public List<Tensor> tensors() {
        return tensors;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Optional<Graph> graph() {
        return Optional.ofNullable(graph);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
