package dev.loupe.zoo.discover;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes a checkpoint "already analyzed": its absolute path, size and the SHA-256 of its first
 * MiB. Hashing only the head keeps a resume check over thousands of multi-GB files cheap, and the
 * head holds the header (tensor names, shapes, offsets) of every format Loupe reads, so a retrained
 * or replaced file almost always changes it; together with the size this is the issue's
 * "path + size + content hash of the header".
 *
 * @param path     absolute, normalized path
 * @param size     file size in bytes
 * @param headHash hex SHA-256 of the first {@link #HEAD_BYTES} bytes
 */
public record FileKey(String path, long size, String headHash) implements Serializable {
    public static final int HEAD_BYTES = 1 << 20;

    public static FileKey of(Path file) {
        Path p = file.toAbsolutePath().normalize();
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] head = in.readNBytes(HEAD_BYTES);
            md.update(head);
            return new FileKey(p.toString(), Files.size(p), HexFormat.of().formatHex(md.digest()));
        } catch (IOException e) {
            throw new LoupeException(p, "cannot read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String fileName() {
        return Path.of(path).getFileName().toString();
    }
}
