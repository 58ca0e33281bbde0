package dev.loupe.core.io;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a file atomically: everything goes to a temporary file beside the target, which is renamed
 * over the target only when the writer finished without error. A failed write leaves no partial file.
 */
public final class AtomicOutput {
    private AtomicOutput() {
    }

    /** The body of a write: gets a stream to the temporary file. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** A last look at the finished temporary file before the rename (e.g. loading a written model); throws to refuse it. */
    @FunctionalInterface
    public interface Check {
        void check(Path written);
    }

    /** Writes to a temp file next to {@code target}, then renames it into place. */
    public static void write(Path target, Body body) {
        write(target, body, written -> { });
    }

    /** Like {@link #write(Path, Body)}, renaming only when {@code check} accepts the written file. */
    public static void write(Path target, Body body, Check check) {
        try (Pending p = open(target)) {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(p.file()), 1 << 20)) {
                body.write(out);
            } catch (IOException | UncheckedIOException e) {
                throw new LoupeException(target, "cannot write: " + e.getMessage(), e);
            }
            p.publish(check);
        }
    }

    /**
     * A temporary file beside {@code target} for a writer that does not fit a {@link Body}: one that fills the file
     * at known positions as its parts are computed (a streamed safetensors file), or keeps several open at once.
     * {@link Pending#publish} renames it over the target (deferred to the end of an {@link #all} set);
     * closing it unpublished deletes it, so a failure leaves no partial output.
     */
    public static Pending open(Path target) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            return new Pending(target, abs, TempFiles.create(dir, abs.getFileName().toString()));
        } catch (IOException | UncheckedIOException e) {
            throw new LoupeException(target, "cannot write: " + e.getMessage(), e);
        }
    }

    /** A file being written; see {@link #open}. */
    public static final class Pending implements AutoCloseable {
        private final Path target;
        private final Path abs;
        private Path tmp;

        private Pending(Path target, Path abs, Path tmp) {
            this.target = target;
            this.abs = abs;
            this.tmp = tmp;
        }

        /** The temporary file to write. */
        public Path file() {
            if (tmp == null) {
                throw new IllegalStateException(target + " is already published or discarded");
            }
            return tmp;
        }

        /** Renames the finished file over the target (at the end of the enclosing {@link #all} set, if any). */
        public void publish() {
            publish(written -> { });
        }

        /** As above, only when {@code check} accepts the written file. */
        public void publish(Check check) {
            Path t = file();
            try {
                check.check(t);
                refuseSpecial(abs); // again at the rename: the check before the work may be minutes old
                publishPermissions(t);
                List<Path[]> set = SET.get();
                if (set != null) {
                    set.add(new Path[]{t, abs}); // published by all() once every file of the set is written
                } else {
                    AtomicOutput.publish(t, abs);
                }
                tmp = null;
            } catch (IOException | UncheckedIOException e) {
                throw new LoupeException(target, "cannot write: " + e.getMessage(), e);
            }
        }

        /** Deletes the temporary file unless it was published. */
        @Override
        public void close() {
            if (tmp != null) {
                deleteQuietly(tmp);
                tmp = null;
            }
        }
    }

    private static final ThreadLocal<List<Path[]>> SET = new ThreadLocal<>();

    /**
     * Runs {@code writes} (several {@link #write} calls on this thread) as one set: every file is written to its
     * temporary name first and the renames happen only when all were written, so a failure in the third file (a full
     * disk) leaves none of the set behind, not the first two. Nested sets belong to the outermost one.
     */
    public static void all(Runnable writes) {
        if (SET.get() != null) {
            writes.run();
            return;
        }
        List<Path[]> set = new ArrayList<>();
        SET.set(set);
        boolean written = false;
        try {
            writes.run();
            written = true;
        } finally {
            SET.remove();
            if (!written) {
                set.forEach(p -> deleteQuietly(p[0]));
            }
        }
        for (int i = 0; i < set.size(); i++) {
            try {
                publish(set.get(i)[0], set.get(i)[1]);
            } catch (IOException e) {
                set.subList(i, set.size()).forEach(p -> deleteQuietly(p[0]));
                throw new LoupeException(set.get(i)[1], "cannot write: " + e.getMessage(), e);
            }
        }
    }

    private static void publish(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the failure that got us here is what the user needs to see
        }
    }

    /**
     * Temp files are created owner-only (0600); the finished output gets the usual 0644 so that a
     * report or a compressed model is readable like any other file the user writes.
     */
    private static void publishPermissions(Path tmp) throws IOException {
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Writes a string (UTF-8) atomically. */
    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * Fails, before any work, when {@code target} cannot become an output file: it is an existing directory or
     * one of {@code inputs}, or a parent on its path is a file. Commands check every output first so that a bad
     * path costs a second instead of the whole analysis, and no other output is left half-written when one fails.
     */
    public static void checkFile(Path target, Iterable<Path> inputs) {
        if (Files.isDirectory(target)) {
            throw new LoupeException(target, "is a directory; expected the path of a file to write");
        }
        refuseSpecial(target);
        Path name = target.toAbsolutePath().getFileName();
        int bytes = name == null ? 0 : name.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > 255) { // NAME_MAX of Linux and macOS file systems: refused now, not after the work
            throw new LoupeException(target, "the file name is " + bytes + " bytes long; file systems allow 255");
        }
        checkParents(target);
        refuseOverwrite(target, inputs);
    }

    /**
     * Refuses an existing {@code target} that is not a regular file (a device such as /dev/null, a pipe, a socket):
     * the rename would replace it with a regular file, and as root that replaces /dev/null itself.
     */
    private static void refuseSpecial(Path target) {
        if (Files.exists(target) && !Files.isRegularFile(target) && !Files.isDirectory(target)) {
            throw new LoupeException(target, "exists and is not a regular file (a device, pipe or socket); refusing to replace it");
        }
    }

    /** Like {@link #checkFile} for a directory that will receive outputs (it is created when missing). */
    public static void checkDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new LoupeException(dir, "exists and is not a directory; expected a directory for the outputs");
        }
        checkParents(dir);
    }

    private static void checkParents(Path target) {
        for (Path p = target.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new LoupeException(target, "cannot write: " + p + " is not a directory");
                }
                return;
            }
        }
    }

    /** Refuses to write over any of the inputs, so that a command never modifies what it reads. */
    public static void refuseOverwrite(Path out, Iterable<Path> inputs) {
        for (Path in : inputs) {
            try {
                if (in != null && Files.exists(out) && Files.exists(in) && Files.isSameFile(out, in)) {
                    throw new LoupeException(out, "output would overwrite the input (a file the command reads); pick another path");
                }
            } catch (IOException e) {
                throw new LoupeException(out, "cannot check output path: " + e.getMessage(), e);
            }
        }
    }
}
