package dev.loupe.core.format.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A safetensors output streamed tensor by tensor (see {@link SafetensorsStream}): one file, or, when the target is a
 * Hugging Face shard index {@code NAME.safetensors.index.json}, shards {@code NAME-00001-of-0000N.safetensors} beside
 * it and the index ({@code {"metadata": {"total_size": ..., the shards' metadata}, "weight_map": {...}}}), split as huggingface_hub's
 * {@code split_state_dict_into_shards_factory} does: tensors in the given order fill a shard until the next would
 * pass the limit; a tensor larger than the limit gets a shard of its own. Every shard file is open (as a temporary
 * file) from the start, so tensors may arrive in any order; {@link #finish} renames all of them and the index at
 * once, and a failure before leaves none of them.
 */
public final class SafetensorsShards implements AutoCloseable {
    /** Hugging Face {@code save_pretrained}'s default {@code max_shard_size="5GB"} (decimal, as it parses it). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    private static final String INDEX_SUFFIX = ".safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path target;
    private final List<SafetensorsStream> files;
    private final Map<String, SafetensorsStream> byTensor = new HashMap<>();
    private final Map<String, String> weightMap = new TreeMap<>();
    private final long totalBytes;
    private final Map<String, String> metadata;

    private SafetensorsShards(Path target, List<SafetensorsStream> files, long totalBytes, Map<String, String> metadata) {
        this.target = target;
        this.files = files;
        this.totalBytes = totalBytes;
        this.metadata = metadata;
    }

    /** Whether {@code target} names a shard index (sharded output) rather than one safetensors file. */
    public static boolean isIndex(Path target) {
        return target.getFileName() != null && target.getFileName().toString().endsWith(INDEX_SUFFIX);
    }

    /** Opens every file's temporary copy and writes its header; {@code tensors} in the order they should be sharded. */
    public static SafetensorsShards create(Path target, List<SafetensorsStream.Declared> tensors, Map<String, String> metadata,
                                           long maxShardBytes) {
        List<List<SafetensorsStream.Declared>> shards = isIndex(target) ? split(tensors, maxShardBytes) : List.of(tensors);
        List<SafetensorsStream> opened = new ArrayList<>();
        long total = tensors.stream().mapToLong(SafetensorsStream.Declared::byteSize).sum();
        SafetensorsShards out = new SafetensorsShards(target, opened, total, new TreeMap<>(metadata));
        try {
            for (int i = 0; i < shards.size(); i++) {
                Path p = isIndex(target) ? shardPath(target, i, shards.size()) : target;
                SafetensorsStream s = SafetensorsStream.create(p, shards.get(i), metadata);
                opened.add(s);
                for (SafetensorsStream.Declared d : shards.get(i)) {
                    out.byTensor.put(d.name(), s);
                    out.weightMap.put(d.name(), p.getFileName().toString());
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** The files this output publishes: the one file, or the shards and then the index. */
    public List<Path> files() {
        List<Path> out = new ArrayList<>();
        if (isIndex(target)) {
            for (int i = 0; i < files.size(); i++) {
                out.add(shardPath(target, i, files.size()));
            }
        }
        out.add(target);
        return out;
    }

    /** Writes the declared tensor {@code name} from {@code data}. */
    public void put(String name, MemorySegment data) {
        stream(name).put(name, data);
    }

    /** Writes {@code t} as the declared tensor of its name. */
    public void put(Tensor t) {
        stream(t.name()).put(t);
    }

    /** Every declared tensor written: publishes every shard and the index together. */
    public void finish() {
        AtomicOutput.all(() -> {
            for (SafetensorsStream s : files) {
                s.finish();
            }
            if (isIndex(target)) {
                Map<String, Object> index = new java.util.LinkedHashMap<>();
                // the shards' own metadata too: a sharded checkpoint is read with its index's (Loupe's quantized layout)
                Map<String, Object> meta = new java.util.LinkedHashMap<>(metadata);
                meta.put("total_size", totalBytes);
                index.put("metadata", meta);
                index.put("weight_map", weightMap);
                try {
                    AtomicOutput.writeString(target, JSON.writeValueAsString(index) + "\n");
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
    }

    /** Deletes every temporary file not yet published. */
    @Override
    public void close() {
        files.forEach(SafetensorsStream::close);
    }

    private SafetensorsStream stream(String name) {
        SafetensorsStream s = byTensor.get(name);
        if (s == null) {
            throw new IllegalStateException("tensor '" + name + "' was not declared for " + target);
        }
        return s;
    }

    static List<List<SafetensorsStream.Declared>> split(List<SafetensorsStream.Declared> tensors, long max) {
        List<List<SafetensorsStream.Declared>> out = new ArrayList<>();
        List<SafetensorsStream.Declared> current = new ArrayList<>();
        long size = 0;
        for (SafetensorsStream.Declared t : tensors) {
            long b = t.byteSize();
            if (b > max) {
                out.add(List.of(t));
                continue;
            }
            if (size + b > max && !current.isEmpty()) {
                out.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(t);
            size += b;
        }
        if (!current.isEmpty() || out.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private static Path shardPath(Path index, int i, int n) {
        String name = index.getFileName().toString();
        String stem = name.substring(0, name.length() - INDEX_SUFFIX.length());
        return index.resolveSibling(String.format(java.util.Locale.ROOT, "%s-%05d-of-%05d.safetensors", stem, i + 1, n));
    }
}
