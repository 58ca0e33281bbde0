package dev.loupe.core.format.pytorch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes by hand, for hostile and malformed test inputs (the opcode bytes are those of
 * CPython's Lib/pickle.py). Public so the CLI tests can build checkpoints too.
 */
public final class Pickle {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Pickle proto(int v) {
        return op(0x80).op(v);
    }

    public Pickle op(int b) {
        out.write(b);
        return this;
    }

    public Pickle ops(int... bs) {
        for (int b : bs) {
            out.write(b);
        }
        return this;
    }

    public Pickle u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public Pickle u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    /** GLOBAL 'module\nname\n'. */
    public Pickle global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** STACK_GLOBAL over two SHORT_BINUNICODE strings. */
    public Pickle stackGlobal(String module, String name) {
        return str(module).str(name).op(0x93);
    }

    /** BINUNICODE. */
    public Pickle str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X').u32(b.length);
        out.writeBytes(b);
        return this;
    }

    /** BININT (any int that fits 32 bits) or LONG1 for larger. */
    public Pickle integer(long v) {
        if (v == (int) v) {
            return op('J').u32(v);
        }
        return op(0x8a).op(8).u64(v);
    }

    /** A tuple of ints: MARK ... TUPLE. */
    public Pickle ints(long... vs) {
        op('(');
        for (long v : vs) {
            integer(v);
        }
        return op('t');
    }

    /**
     * A tensor built like torch.save does: _rebuild_tensor_v2(persistent storage, offset, size, stride,
     * False, OrderedDict()).
     */
    public Pickle tensor(String storageType, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").op('(');
        op('(').str("storage");
        int dot = storageType.lastIndexOf('.');
        global(storageType.substring(0, dot), storageType.substring(dot + 1));
        str(key).str("cpu").integer(numel).op('t').op('Q');
        integer(offset).ints(size).ints(stride).op(0x89);
        global("collections", "OrderedDict").op(')').op('R');
        return op('t').op('R');
    }

    public Pickle stop() {
        return op('.');
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
