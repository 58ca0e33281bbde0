package dev.loupe.core.format.pytorch;

import dev.loupe.core.LoupeException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entries of a zip file laid over a memory map, so that stored entries are zero-copy slices.
 * Written by hand because {@code java.util.zip.ZipFile} does not expose data offsets and copies on
 * read. Reads the end-of-central-directory record (and its ZIP64 form, for archives over 4 GB or
 * 65535 entries), the central directory and each entry's local header; every offset and size is
 * checked against the file before it is used.
 *
 * <pre>
 * EOCD (22 bytes + comment): sig 0x06054b50 | disk u16 | cdDisk u16 | entriesHere u16 | entries u16
 *                            | cdSize u32 | cdOffset u32 | commentLen u16
 * ZIP64 locator (20 bytes, just before the EOCD): sig 0x07064b50 | disk u32 | eocd64Offset u64 | disks u32
 * ZIP64 EOCD: sig 0x06064b50 | size u64 | made u16 | needed u16 | disk u32 | cdDisk u32
 *             | entriesHere u64 | entries u64 | cdSize u64 | cdOffset u64
 * Central header (46 + n + x + c): sig 0x02014b50 | ... method u16 @10 | csize u32 @20 | usize u32 @24
 *             | n u16 @28 | x u16 @30 | c u16 @32 | localOffset u32 @42 | name @46 | extra | comment
 * Local header (30 + n + x): sig 0x04034b50 | ... n u16 @26 | x u16 @28 | name | extra | data
 * </pre>
 */
final class ZipArchive {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int EOCD_SIG = 0x06054b50;
    private static final int LOCATOR_SIG = 0x07064b50;
    private static final int EOCD64_SIG = 0x06064b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int EOCD_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIZE = 30;
    private static final int STORED = 0;

    /** One central-directory entry: where its data starts and how it is stored. */
    record Entry(String name, int method, long compressedSize, long size, long dataOffset) {
    }

    private final Path file;
    private final MemorySegment seg;
    private final Map<String, Entry> entries;

    private ZipArchive(Path file, MemorySegment seg, Map<String, Entry> entries) {
        this.file = file;
        this.seg = seg;
        this.entries = entries;
    }

    /** Indexes the zip in {@code seg}; throws LoupeException naming {@code file} if it is malformed. */
    static ZipArchive read(Path file, MemorySegment seg) {
        long size = seg.byteSize();
        long eocd = findEocd(file, seg);
        long count = u16(seg, eocd + 10);
        long cdSize = u32(seg, eocd + 12);
        long cdOffset = u32(seg, eocd + 16);
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            long loc = eocd - 20;
            if (loc < 0 || seg.get(U32, loc) != LOCATOR_SIG) {
                throw new LoupeException(file, "zip needs ZIP64 records but has no ZIP64 locator");
            }
            long e64 = seg.get(U64, loc + 8);
            if (e64 < 0 || e64 > loc - 56 || seg.get(U32, e64) != EOCD64_SIG) {
                throw new LoupeException(file, "zip ZIP64 end record offset " + e64 + " is invalid");
            }
            count = seg.get(U64, e64 + 32);
            cdSize = seg.get(U64, e64 + 40);
            cdOffset = seg.get(U64, e64 + 48);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > size || cdSize > size - cdOffset || cdOffset + cdSize > eocd) {
            throw new LoupeException(file, "zip central directory (offset " + cdOffset + ", " + cdSize
                    + " bytes) lies outside the file of " + size + " bytes");
        }
        if (count < 0 || count > cdSize / CENTRAL_SIZE) {
            throw new LoupeException(file, "zip claims " + count + " entries, more than its central directory of "
                    + cdSize + " bytes holds");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        long p = cdOffset;
        long end = cdOffset + cdSize;
        for (long i = 0; i < count; i++) {
            Entry e = central(file, seg, p, end);
            if (entries.put(e.name(), e) != null) {
                throw new LoupeException(file, "zip has two entries named '" + e.name() + "'");
            }
            p += CENTRAL_SIZE + u16(seg, p + 28) + u16(seg, p + 30) + u16(seg, p + 32);
        }
        return new ZipArchive(file, seg, Collections.unmodifiableMap(entries));
    }

    Map<String, Entry> entries() {
        return entries;
    }

    /** The bytes of a stored (uncompressed) entry, as a slice of the map. */
    MemorySegment data(Entry e) {
        if (e.method() != STORED) {
            throw new LoupeException(file, "zip entry '" + e.name() + "' is compressed (method " + e.method()
                    + "); torch.save stores tensors uncompressed, re-save the checkpoint with torch.save");
        }
        return seg.asSlice(e.dataOffset(), e.size());
    }

    private static long findEocd(Path file, MemorySegment seg) {
        long size = seg.byteSize();
        long stop = Math.max(0, size - EOCD_SIZE - 0xffff);
        for (long p = size - EOCD_SIZE; p >= stop; p--) {
            if (seg.get(U32, p) == EOCD_SIG && p + EOCD_SIZE + u16(seg, p + 20) == size) {
                return p;
            }
        }
        throw new LoupeException(file, "not a complete zip file (no end-of-central-directory record; truncated?)");
    }

    private static Entry central(Path file, MemorySegment seg, long p, long end) {
        if (p > end - CENTRAL_SIZE || seg.get(U32, p) != CENTRAL_SIG) {
            throw new LoupeException(file, "zip central directory is truncated or corrupt at offset " + p);
        }
        int nameLen = u16(seg, p + 28);
        int extraLen = u16(seg, p + 30);
        int commentLen = u16(seg, p + 32);
        if (p + CENTRAL_SIZE + nameLen + extraLen + commentLen > end) {
            throw new LoupeException(file, "zip central directory entry at offset " + p + " runs past the directory");
        }
        String name = new String(seg.asSlice(p + CENTRAL_SIZE, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        int method = u16(seg, p + 10);
        long csize = u32(seg, p + 20);
        long usize = u32(seg, p + 24);
        long local = u32(seg, p + 42);
        // ZIP64 extra field: only the header fields that are 0xffffffff are present, in this order.
        long x = p + CENTRAL_SIZE + nameLen;
        long xEnd = x + extraLen;
        while (x + 4 <= xEnd) {
            int id = u16(seg, x);
            int len = u16(seg, x + 2);
            if (x + 4 + len > xEnd) {
                throw new LoupeException(file, "zip entry '" + name + "' has a malformed extra field");
            }
            if (id == 0x0001) {
                long f = x + 4;
                long fEnd = f + len;
                if (usize == 0xffffffffL) {
                    usize = zip64Field(file, seg, f, fEnd, name);
                    f += 8;
                }
                if (csize == 0xffffffffL) {
                    csize = zip64Field(file, seg, f, fEnd, name);
                    f += 8;
                }
                if (local == 0xffffffffL) {
                    local = zip64Field(file, seg, f, fEnd, name);
                }
            }
            x += 4 + len;
        }
        long size = seg.byteSize();
        if (local < 0 || local > size - LOCAL_SIZE || seg.get(U32, local) != LOCAL_SIG) {
            throw new LoupeException(file, "zip entry '" + name + "' has its local header at offset " + local
                    + ", outside the file of " + size + " bytes or not a local header");
        }
        long data = local + LOCAL_SIZE + u16(seg, local + 26) + u16(seg, local + 28);
        if (csize < 0 || usize < 0 || data > size || csize > size - data) {
            throw new LoupeException(file, "zip entry '" + name + "' (" + csize + " bytes at offset " + data
                    + ") runs past the end of the file of " + size + " bytes");
        }
        if (method == STORED && csize != usize) {
            throw new LoupeException(file, "zip entry '" + name + "' is stored but its sizes differ ("
                    + csize + " vs " + usize + ")");
        }
        return new Entry(name, method, csize, usize, data);
    }

    private static long zip64Field(Path file, MemorySegment seg, long f, long fEnd, String name) {
        if (f + 8 > fEnd) {
            throw new LoupeException(file, "zip entry '" + name + "' has a truncated ZIP64 extra field");
        }
        return seg.get(U64, f);
    }

    private static int u16(MemorySegment s, long p) {
        return s.get(U16, p) & 0xffff;
    }

    private static long u32(MemorySegment s, long p) {
        return s.get(U32, p) & 0xffffffffL;
    }
}
