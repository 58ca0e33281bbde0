package dev.loupe.core.format.pytorch;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.LoadedCheckpoint;
import dev.loupe.core.checkpoint.CheckpointReader;
import dev.loupe.core.io.MappedFile;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code torch.save} checkpoints in the zip format (torch ≥ 1.6): {@code <prefix>/data.pkl}
 * holds the pickled state_dict, {@code <prefix>/data/<key>} the raw little-endian storages, which
 * become zero-copy slices of the memory-mapped file. The pickle is run by a restricted unpickler
 * that only builds values; see {@link TorchGlobals} for what it accepts.
 */
public final class PyTorchReader implements CheckpointReader {
    private static final String[] EXTENSIONS = {".pt", ".pth", ".bin", ".ckpt"};

    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.PYTORCH;
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        boolean named = CheckpointReader.hasExtension(file, EXTENSIONS);
        boolean zip = CheckpointReader.startsWith(head, (byte) 'P', (byte) 'K', (byte) 3, (byte) 4);
        // A legacy torch.save file starts with a pickle PROTO opcode; take it to give the clear error.
        boolean legacy = head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
        if (named) {
            return zip || legacy;
        }
        return zip && hasDataPkl(file);
    }

    @Override
    public Checkpoint open(Path file) {
        MappedFile mapped = MappedFile.open(file);
        try {
            return read(file, mapped);
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    private static Checkpoint read(Path file, MappedFile mapped) {
        MemorySegment seg = mapped.segment();
        if (seg.byteSize() >= 2 && (seg.get(ValueLayout.JAVA_BYTE, 0) & 0xff) == 0x80) {
            throw new LoupeException(file, "legacy PyTorch format is unsupported; re-save with torch >= 1.6 (torch.save default)");
        }
        if (seg.byteSize() < 4 || seg.get(ValueLayout.JAVA_INT_UNALIGNED, 0) != 0x04034b50) {
            throw new LoupeException(file, "not a PyTorch zip checkpoint (no zip signature at the start)");
        }
        ZipArchive zip = ZipArchive.read(file, seg);
        String prefix = prefix(file, zip);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("archive", prefix.substring(0, prefix.length() - 1));
        String order = record(zip, prefix + "byteorder");
        if (order != null) {
            if (!order.equals("little")) {
                throw new LoupeException(file, "byteorder is '" + order + "'; only little-endian checkpoints are supported");
            }
            meta.put("byteorder", order);
        }
        String version = record(zip, prefix + "version");
        if (version != null) {
            meta.put("version", version);
        }
        MemorySegment pkl = zip.data(zip.entries().get(prefix + "data.pkl"));
        StorageTable storages = new StorageTable(file, zip, prefix);
        Object root = new Unpickler(file, pkl, new TorchGlobals(file), storages::load).load();
        List<Tensor> tensors = StateDictFlattener.flatten(file, root);
        return new LoadedCheckpoint(file, CheckpointFormat.PYTORCH, tensors, meta, null, List.of(mapped));
    }

    /** The folder holding data.pkl: "archive/" for recent torch, the file's stem for older ones. */
    private static String prefix(Path file, ZipArchive zip) {
        String found = null;
        for (String name : zip.entries().keySet()) {
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                if (found != null) {
                    throw new LoupeException(file, "zip holds more than one */data.pkl");
                }
                found = name.substring(0, name.length() - "data.pkl".length());
            }
        }
        if (found == null) {
            throw new LoupeException(file, "zip has no <folder>/data.pkl entry; not a torch.save checkpoint");
        }
        return found;
    }

    /** A small text record such as "version" or "byteorder", or null when absent. */
    private static String record(ZipArchive zip, String name) {
        ZipArchive.Entry e = zip.entries().get(name);
        if (e == null || e.size() > 64 || e.method() != 0) {
            return null; // absent or not a plain text record: nothing to check
        }
        return new String(zip.data(e).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII).strip();
    }

    private static boolean hasDataPkl(Path file) {
        try (MappedFile m = MappedFile.open(file)) {
            return ZipArchive.read(file, m.segment()).entries().keySet().stream().anyMatch(n -> n.endsWith("/data.pkl"));
        } catch (LoupeException e) {
            return false;
        }
    }
}
