package dev.loupe.core.format.onnx;

import dev.loupe.core.LoupeException;
import dev.loupe.core.io.MappedFile;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The external-data files of one model (TensorProto.data_location = EXTERNAL), each memory-mapped
 * once. A {@code location} must name a file inside the model's directory: absolute paths, {@code ..}
 * escapes and symlinks that resolve outside are refused, so a model cannot make Loupe read
 * {@code /etc/passwd}. Files over 2 GB work: they are MemorySegments.
 */
final class ExternalData implements AutoCloseable {
    private final Path model;
    private final Path dir;
    private final Map<Path, MappedFile> open = new HashMap<>();

    ExternalData(Path model) {
        this.model = model;
        Path parent = model.toAbsolutePath().normalize().getParent();
        this.dir = parent == null ? Path.of("/") : parent;
    }

    /** The bytes {@code [offset, offset+length)} of {@code location}; length -1 means "to the end". */
    MemorySegment slice(String tensor, String location, long offset, long length) {
        MappedFile f = open.computeIfAbsent(confine(tensor, location), MappedFile::open);
        long size = f.size();
        if (offset < 0 || offset > size) {
            throw bad(tensor, "external data offset " + offset + " is outside '" + location + "' (" + size + " bytes)");
        }
        long len = length < 0 ? size - offset : length;
        if (len > size - offset) {
            throw bad(tensor, "external data [" + offset + ", +" + len + ") runs past the end of '" + location
                    + "' (" + size + " bytes)");
        }
        return f.segment().asSlice(offset, len);
    }

    /** The external files read so far (real paths). */
    java.util.Set<Path> files() {
        return java.util.Set.copyOf(open.keySet());
    }

    /** Whether any external file was used (the writer must then keep the output beside the input). */
    boolean used() {
        return !open.isEmpty();
    }

    private Path confine(String tensor, String location) {
        if (location == null || location.isEmpty()) {
            throw bad(tensor, "external data has no 'location'");
        }
        Path rel;
        try {
            rel = Path.of(location);
        } catch (InvalidPathException e) {
            throw bad(tensor, "external data location '" + location + "' is not a valid path");
        }
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
            throw bad(tensor, "external data location '" + location + "' is absolute; it must be relative to the model");
        }
        Path p = dir.resolve(rel).normalize();
        if (!p.startsWith(dir) || p.equals(dir)) {
            throw bad(tensor, "external data location '" + location + "' leaves the model's directory");
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p)) {
            throw bad(tensor, "external data file '" + location + "' does not exist");
        }
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(dir.toRealPath()) || !Files.isRegularFile(real)) {
                throw bad(tensor, "external data location '" + location + "' resolves outside the model's directory");
            }
            return real;
        } catch (IOException e) {
            throw bad(tensor, "external data file '" + location + "' cannot be opened: " + e.getMessage());
        }
    }

    private LoupeException bad(String tensor, String problem) {
        return new LoupeException(model, "tensor '" + tensor + "': " + problem);
    }

    @Override
    public void close() {
        List<MappedFile> files = new ArrayList<>(open.values());
        open.clear();
        files.forEach(MappedFile::close);
    }
}
