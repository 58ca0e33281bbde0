package dev.loupe.zoo.discover;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.ShardedCheckpoint;

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
 * <p>
 * A sharded checkpoint ({@code *.index.json}) is one checkpoint: its path is the index's, its size the
 * index plus all shards (so {@code --split-above} sees the model's real size), and its hash covers the
 * whole index and the first MiB of every shard, so replacing any shard changes the key.
 *
 * @param path     absolute, normalized path
 * @param size     file size in bytes (index + shards for a sharded checkpoint)
 * @param headHash hex SHA-256 of the first {@link #HEAD_BYTES} bytes (of the index and each shard)
 */
public record FileKey(String path, long size, String headHash) implements Serializable {
    public static final int HEAD_BYTES = 1 << 20;

    public static FileKey of(Path file) {
        Path p = file.toAbsolutePath().normalize();
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long size = head(p, md);
            if (p.getFileName().toString().endsWith(".index.json")) {
                for (Path shard : ShardedCheckpoint.shardFiles(p)) {
                    size += head(shard, md);
                }
            }
            return new FileKey(p.toString(), size, HexFormat.of().formatHex(md.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds the file's first MiB to the digest and returns the file's size. */
    private static long head(Path p, MessageDigest md) {
        try (InputStream in = Files.newInputStream(p)) {
            md.update(in.readNBytes(HEAD_BYTES));
            return Files.size(p);
        } catch (IOException e) {
            throw new LoupeException(p, "cannot read: " + e.getMessage());
        }
    }

    public String fileName() {
        return Path.of(path).getFileName().toString();
    }
}
