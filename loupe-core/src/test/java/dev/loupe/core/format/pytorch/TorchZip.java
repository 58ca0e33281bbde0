package dev.loupe.core.format.pytorch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes small zip files byte by byte following PKWARE's APPNOTE (4.3.7 local header, 4.3.12 central
 * header, 4.3.14-16 ZIP64 end records), so tests control every field: compression, ZIP64 records,
 * broken offsets. Public so the CLI tests can build checkpoints too.
 */
public final class TorchZip {
    private record Item(String name, byte[] data, boolean deflate) {
    }

    private final List<Item> items = new ArrayList<>();
    private boolean zip64;

    public TorchZip add(String name, byte[] data) {
        items.add(new Item(name, data, false));
        return this;
    }

    public TorchZip addDeflated(String name, byte[] data) {
        items.add(new Item(name, data, true));
        return this;
    }

    /** Writes sizes, offsets and counts through ZIP64 extra fields and end records. */
    public TorchZip zip64() {
        zip64 = true;
        return this;
    }

    /** A checkpoint with one pickle and its storages named archive/data/0, archive/data/1, ... */
    public static TorchZip checkpoint(byte[] pickle, byte[]... storages) {
        TorchZip z = new TorchZip().add("archive/data.pkl", pickle);
        for (int i = 0; i < storages.length; i++) {
            z.add("archive/data/" + i, storages[i]);
        }
        return z.add("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (Item it : items) {
            byte[] name = it.name().getBytes(StandardCharsets.UTF_8);
            byte[] stored = it.deflate() ? deflate(it.data()) : it.data();
            CRC32 crc = new CRC32();
            crc.update(it.data());
            long offset = out.size();
            ByteBuffer local = le(30 + name.length);
            local.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) (it.deflate() ? 8 : 0))
                    .putShort((short) 0).putShort((short) 0).putInt((int) crc.getValue())
                    .putInt(stored.length).putInt(it.data().length).putShort((short) name.length).putShort((short) 0).put(name);
            out.writeBytes(local.array());
            out.writeBytes(stored);
            ByteBuffer c = le(46 + name.length + (zip64 ? 28 : 0));
            c.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0)
                    .putShort((short) (it.deflate() ? 8 : 0)).putShort((short) 0).putShort((short) 0).putInt((int) crc.getValue())
                    .putInt(zip64 ? -1 : stored.length).putInt(zip64 ? -1 : it.data().length)
                    .putShort((short) name.length).putShort((short) (zip64 ? 28 : 0)).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(zip64 ? -1 : (int) offset).put(name);
            if (zip64) {
                c.putShort((short) 1).putShort((short) 24).putLong(it.data().length).putLong(stored.length).putLong(offset);
            }
            central.writeBytes(c.array());
        }
        long cdOffset = out.size();
        out.writeBytes(central.toByteArray());
        if (zip64) {
            long e64 = out.size();
            ByteBuffer r = le(56 + 20);
            r.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(items.size()).putLong(items.size()).putLong(central.size()).putLong(cdOffset);
            r.putInt(0x07064b50).putInt(0).putLong(e64).putInt(1);
            out.writeBytes(r.array());
        }
        ByteBuffer e = le(22);
        e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) (zip64 ? 0xffff : items.size())).putShort((short) (zip64 ? 0xffff : items.size()))
                .putInt(zip64 ? -1 : central.size()).putInt(zip64 ? -1 : (int) cdOffset).putShort((short) 0);
        out.writeBytes(e.array());
        return out.toByteArray();
    }

    public Path write(Path file) {
        try {
            return Files.write(file, bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length + 64];
        int n = d.deflate(buf);
        d.end();
        return java.util.Arrays.copyOf(buf, n);
    }
}
