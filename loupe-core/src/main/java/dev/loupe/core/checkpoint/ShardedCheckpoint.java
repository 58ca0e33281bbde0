package dev.loupe.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;
import dev.loupe.core.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Several shard files opened as one checkpoint through a Hugging Face shard index
 * ({@code model.safetensors.index.json}, {@code pytorch_model.bin.index.json}). Every tensor the
 * index names must be in the shard it names; shard paths must stay inside the index's directory.
 */
public final class ShardedCheckpoint {
    private static final long MAX_INDEX_BYTES = 64L << 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ShardedCheckpoint() {
    }

    public static Checkpoint open(Path index) {
        JsonNode root = readIndex(index);
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new LoupeException(index, "shard index has no \"weight_map\" object");
        }
        Path dir = index.toAbsolutePath().normalize().getParent();
        Map<String, String> wanted = new LinkedHashMap<>();
        Set<String> shardNames = new LinkedHashSet<>();
        for (var e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw new LoupeException(index, "weight_map entry '" + e.getKey() + "' is not a file name");
            }
            String shard = e.getValue().asText();
            Path p = resolveInside(index, dir, shard);
            if (p.getFileName().toString().endsWith(".index.json")) {
                // an index naming an index (perhaps itself) would recurse without end
                throw new LoupeException(index, "shard '" + shard + "' is itself a shard index");
            }
            wanted.put(e.getKey(), shard);
            shardNames.add(shard);
        }
        List<Checkpoint> opened = new ArrayList<>();
        try {
            Map<String, Tensor> byName = new HashMap<>();
            List<Tensor> ordered = new ArrayList<>();
            CheckpointFormat format = null;
            for (String shard : shardNames) {
                Path p = dir.resolve(shard).normalize();
                if (!Files.isRegularFile(p)) {
                    throw new LoupeException(index, "shard '" + shard + "' is missing");
                }
                Checkpoint c = Checkpoints.open(p);
                opened.add(c);
                if (format != null && c.format() != format) {
                    throw new LoupeException(index, "shards mix formats " + format + " and " + c.format());
                }
                format = c.format();
                for (Tensor t : c.tensors()) {
                    if (shard.equals(wanted.get(t.name()))) {
                        if (byName.put(t.name(), t) == null) {
                            ordered.add(t);
                        }
                    }
                }
            }
            for (String name : wanted.keySet()) {
                if (!byName.containsKey(name)) {
                    throw new LoupeException(index, "tensor '" + name + "' is not in shard '" + wanted.get(name) + "'");
                }
            }
            Map<String, String> meta = new LinkedHashMap<>();
            JsonNode m = root.get("metadata");
            if (m != null && m.isObject()) {
                m.properties().forEach(e -> meta.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
            }
            meta.put("shards", String.valueOf(shardNames.size()));
            return new LoadedCheckpoint(index, format, ordered, meta, null, opened);
        } catch (RuntimeException e) {
            opened.forEach(Checkpoint::close);
            throw e;
        }
    }

    /**
     * The shard files an index names, in first-mention order, checked as {@link #open} checks them (inside
     * the index's directory, not an index themselves) but neither required to exist nor opened: for
     * callers that must know which files belong to a sharded checkpoint without reading its weights.
     */
    public static List<Path> shardFiles(Path index) {
        JsonNode map = readIndex(index).get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new LoupeException(index, "shard index has no \"weight_map\" object");
        }
        Path dir = index.toAbsolutePath().normalize().getParent();
        Set<Path> out = new LinkedHashSet<>();
        for (var e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw new LoupeException(index, "weight_map entry '" + e.getKey() + "' is not a file name");
            }
            Path p = resolveInside(index, dir, e.getValue().asText());
            if (p.getFileName().toString().endsWith(".index.json")) {
                throw new LoupeException(index, "shard '" + e.getValue().asText() + "' is itself a shard index");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    private static Path resolveInside(Path index, Path dir, String shard) {
        Path p;
        try {
            p = dir.resolve(shard).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new LoupeException(index, "shard path '" + shard + "' is not a valid path");
        }
        if (shard.isEmpty() || !p.startsWith(dir) || p.equals(dir)) {
            throw new LoupeException(index, "shard path '" + shard + "' leaves the index's directory");
        }
        // the name stays inside, but a symlink there may not: judge where it really leads (as ONNX external data does)
        if (Files.exists(p)) {
            try {
                if (!p.toRealPath().startsWith(dir.toRealPath())) {
                    throw new LoupeException(index, "shard '" + shard + "' is a link that leads outside the index's directory");
                }
            } catch (java.io.IOException e) {
                throw new LoupeException(index, "shard '" + shard + "' cannot be resolved: " + e.getMessage(), e);
            }
        }
        return p;
    }

    private static JsonNode readIndex(Path index) {
        try {
            if (Files.size(index) > MAX_INDEX_BYTES) {
                throw new LoupeException(index, "shard index is larger than " + (MAX_INDEX_BYTES >> 20) + " MB");
            }
            JsonNode root = JSON.readTree(index.toFile());
            if (root == null || !root.isObject()) {
                throw new LoupeException(index, "shard index is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new LoupeException(index, "shard index is not valid JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
    }
}
