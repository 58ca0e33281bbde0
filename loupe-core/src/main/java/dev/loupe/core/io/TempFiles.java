package dev.loupe.core.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The hidden temporary files outputs are written to before their rename: {@code .NAME.PID.RANDOM.tmp} beside the
 * target, NAME cut to {@value #NAME_BYTES} bytes so that a valid 250-byte output name still has a valid temp name.
 * The PID says whose it is: a temp file of a process that no longer runs (a killed run) is removed the next time
 * any run writes the same output, instead of staying beside it forever at full size.
 */
final class TempFiles {
    /** Room for the prefix, the PID and createTempFile's random part within a 255-byte file name. */
    static final int NAME_BYTES = 100;

    private TempFiles() {
    }

    /** A new temp file in {@code dir} for the output named {@code name}, after removing stale ones of that name. */
    static Path create(Path dir, String name) throws IOException {
        String prefix = "." + shortName(name) + ".";
        removeStale(dir, prefix);
        return Files.createTempFile(dir, prefix + ProcessHandle.current().pid() + ".", ".tmp");
    }

    private static void removeStale(Path dir, String prefix) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp");
        })) {
            for (Path p : s) {
                String rest = p.getFileName().toString().substring(prefix.length());
                int dot = rest.indexOf('.');
                long pid;
                try {
                    pid = Long.parseLong(dot < 0 ? "" : rest.substring(0, dot));
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // cleaning up after someone else's crash must never fail this run's write
        }
    }

    /** {@code name} cut to at most {@link #NAME_BYTES} UTF-8 bytes, on a code point boundary. */
    static String shortName(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= NAME_BYTES) {
            return name;
        }
        int bytes = 0;
        int end = 0;
        while (end < name.length()) {
            int cp = name.codePointAt(end);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > NAME_BYTES) {
                break;
            }
            bytes += len;
            end += Character.charCount(cp);
        }
        return name.substring(0, end);
    }
}
