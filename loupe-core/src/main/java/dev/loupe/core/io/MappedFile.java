package dev.loupe.core.io;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory map of a whole file. MemorySegment rather than MappedByteBuffer so files and
 * tensors over 2 GB work; nothing is paged in until it is read. Closing unmaps.
 */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
    }

    /** Maps {@code path} read-only. Throws LoupeException naming the file if it cannot be opened. */
    public static MappedFile open(Path path) {
        if (Files.isDirectory(path)) {
            throw new LoupeException(path, "is a directory, expected a file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.ofArray(new byte[0]) // mmap refuses length 0; no restricted call needed
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new MappedFile(path, arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new LoupeException(path, "no such file");
        } catch (IOException e) {
            arena.close();
            throw new LoupeException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public MemorySegment segment() {
        return segment;
    }

    public long size() {
        return segment.byteSize();
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
