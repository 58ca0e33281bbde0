package dev.loupe.core.format.pytorch;

import dev.loupe.core.LoupeException;
import dev.loupe.core.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves the pickle's persistent ids {@code ('storage', storage_type, key, location, numel)} to the
 * zip entries {@code <prefix>/data/<key>}. A key seen twice is one storage (tensors that share it
 * are views of the same bytes); it must then have one dtype.
 */
final class StorageTable {
    private final Path file;
    private final ZipArchive zip;
    private final String prefix;
    private final Map<String, PyValue.Storage> byKey = new HashMap<>();

    StorageTable(Path file, ZipArchive zip, String prefix) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
    }

    Object load(Object pid) {
        if (!(pid instanceof PyValue.Tuple t) || t.items().size() != 5 || !"storage".equals(t.items().getFirst())) {
            throw bad("persistent id is not ('storage', type, key, location, numel)");
        }
        List<Object> a = t.items();
        if (!(a.get(1) instanceof PyValue.Marker m) || m.dtype() == null) {
            throw bad("storage type is a " + PyValue.typeName(a.get(1)) + ", not a torch storage or dtype");
        }
        if (!(a.get(2) instanceof String key) || !(a.get(4) instanceof Long numel) || numel < 0) {
            throw bad("storage key must be a string and numel a non-negative int");
        }
        DType dtype = m.dtype();
        PyValue.Storage seen = byKey.get(key);
        if (seen != null) {
            if (seen.dtype() != dtype) {
                throw bad("storage '" + key + "' is used as both " + seen.dtype() + " and " + dtype);
            }
            return seen;
        }
        ZipArchive.Entry e = zip.entries().get(prefix + "data/" + key);
        if (e == null) {
            throw bad("storage '" + key + "' has no entry " + prefix + "data/" + key + " in the zip");
        }
        long bytes = dtype.byteSize(numel);
        if (bytes < 0 || bytes > e.size()) {
            throw bad("storage '" + key + "' claims " + numel + " " + dtype + " elements but its entry holds "
                    + e.size() + " bytes");
        }
        MemorySegment data = zip.data(e).asSlice(0, bytes);
        PyValue.Storage s = new PyValue.Storage(key, dtype, data);
        byKey.put(key, s);
        return s;
    }

    private LoupeException bad(String problem) {
        return new LoupeException(file, "data.pkl: " + problem);
    }
}
