package dev.loupe.core.format.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A GGUF file's typed metadata key/values, in file order. */
public record GgufMetadata(Map<String, GgufValue> entries) {
    public GgufMetadata {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** A string value, if {@code key} holds one. */
    public Optional<String> string(String key) {
        return get(key).filter(v -> v instanceof GgufValue.Str).map(v -> ((GgufValue.Str) v).value());
    }

    /** An integer value of any width, if {@code key} holds one. */
    public Optional<Long> integer(String key) {
        return get(key).filter(v -> v instanceof GgufValue.Int).map(v -> ((GgufValue.Int) v).value());
    }

    /** Every value rendered to one line (arrays summarized as "[string x 32000]"), in file order. */
    public Map<String, String> rendered() {
        Map<String, String> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> out.put(k, v.render()));
        return out;
    }
}
