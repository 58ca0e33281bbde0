package dev.loupe.core.format.pytorch;

import dev.loupe.core.LoupeException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A restricted pickle virtual machine (protocols 2 to 5) that builds plain Java values and nothing
 * else. Globals go through {@link TorchGlobals}, which knows only what a state_dict needs and refuses
 * everything else by name; there is no import, no attribute lookup and no call into anything but our
 * own value builders, so no code from the file can run. Written by hand because the Java pickle
 * libraries (Pyrolite, ...) resolve arbitrary class names. Every count is bounded so that a hostile
 * pickle cannot exhaust memory, loop forever or overflow the stack.
 */
final class Unpickler {
    static final int MAX_STACK = 100_000;
    static final int MAX_MARKS = 10_000;
    static final int MAX_MEMO = 1 << 20;
    static final long MAX_OPS = 50_000_000;
    /**
     * Values created and container slots filled (memo fetches and None/True/False are free): bounds
     * the live heap a pickle can build to a few hundred MB. A state_dict needs ~15 per tensor.
     */
    static final long MAX_OBJECTS = 4_000_000;
    static final int MAX_STRING = 64 << 20;
    static final int MAX_LONG_BYTES = 64;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64BE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Path file;
    private final MemorySegment in;
    private final TorchGlobals globals;
    private final Function<Object, Object> persistentLoad;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private long pos;
    private long objects;

    Unpickler(Path file, MemorySegment pickle, TorchGlobals globals, Function<Object, Object> persistentLoad) {
        this.file = file;
        this.in = pickle;
        this.globals = globals;
        this.persistentLoad = persistentLoad;
    }

    /** Runs the pickle to its STOP and returns the top value. */
    Object load() {
        for (long ops = 0; ; ops++) {
            if (ops > MAX_OPS) {
                throw fail("more than " + MAX_OPS + " opcodes");
            }
            long at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v < 2 || v > 5) {
                        throw fail("pickle protocol " + v + " is not supported (expected 2 to 5)");
                    }
                }
                case 0x95 -> need(8).get(I64, 0); // FRAME: a length hint only
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw fail("STOP with " + stack.size() + " values on the stack");
                    }
                    return stack.getFirst();
                }
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case ')' -> push(new PyValue.Tuple(List.of()));
                case '(' -> {
                    if (marks.size() >= MAX_MARKS) {
                        throw fail("nesting deeper than " + MAX_MARKS + " marks");
                    }
                    marks.add(stack.size());
                }
                case 'N' -> pushShared(PyValue.None.NONE);
                case 0x88 -> pushShared(Boolean.TRUE);
                case 0x89 -> pushShared(Boolean.FALSE);
                case 'J' -> push((long) need(4).get(I32, 0));
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (need(2).get(I16, 0) & 0xffff));
                case 0x8a -> push(longValue(u8()));
                case 0x8b -> push(longValue(need(4).get(I32, 0)));
                case 'G' -> push(need(8).get(F64BE, 0));
                case 'X' -> push(string(need(4).get(I32, 0) & 0xffffffffL));
                case 0x8c -> push(string(u8()));
                case 0x8d -> push(string(need(8).get(I64, 0)));
                case 'C' -> push(bytes(u8()));
                case 'B' -> push(bytes(need(4).get(I32, 0) & 0xffffffffL));
                case 0x85 -> push(tuple(pop(1)));
                case 0x86 -> push(tuple(pop(2)));
                case 0x87 -> push(tuple(pop(3)));
                case 't' -> push(tuple(popMark()));
                case 'l' -> push(new ArrayList<>(count(popMark())));
                case 'd' -> push(dict(new LinkedHashMap<>(), popMark()));
                case 's' -> {
                    List<Object> kv = pop(2);
                    dict(topDict(), kv);
                }
                case 'u' -> {
                    List<Object> kv = popMark();
                    dict(topDict(), kv);
                }
                case 'a' -> {
                    List<Object> v = pop(1);
                    topList().addAll(count(v));
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    topList().addAll(count(items));
                }
                case '0' -> pop(1);
                case '1' -> popMark();
                case '2' -> pushShared(peek());
                case 'q' -> put(u8());
                case 'r' -> put(need(4).get(I32, 0) & 0xffffffffL);
                case 0x94 -> put(memo.size());
                case 'h' -> pushShared(get(u8()));
                case 'j' -> pushShared(get(need(4).get(I32, 0) & 0xffffffffL));
                case 'c' -> push(globals.resolve(line(), line()));
                case 0x93 -> {
                    List<Object> mn = pop(2);
                    if (!(mn.get(0) instanceof String m) || !(mn.get(1) instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings");
                    }
                    push(globals.resolve(m, n));
                }
                case 'i' -> { // INST: resolve (which refuses what we do not know), but never instantiate
                    String m = line();
                    String n = line();
                    globals.resolve(m, n);
                    throw fail("opcode INST for '" + m + "." + n + "' is not supported");
                }
                case 'R', 0x81 -> { // REDUCE, NEWOBJ
                    List<Object> fa = pop(2);
                    push(call(fa.get(0), fa.get(1)));
                }
                case 'b' -> build(pop(1).getFirst());
                case 'Q' -> push(persistentLoad.apply(pop(1).getFirst()));
                default -> throw fail(String.format("unsupported pickle opcode 0x%02x at offset %d", op, at));
            }
        }
    }

    private Object call(Object f, Object args) {
        if (!(f instanceof PyValue.Callable c)) {
            throw fail("cannot call a " + PyValue.typeName(f));
        }
        if (!(args instanceof PyValue.Tuple t)) {
            throw fail(c.qualifiedName() + " called with a " + PyValue.typeName(args) + " instead of a tuple");
        }
        return c.call(t.items());
    }

    /** BUILD sets object state. Only a dict's attributes (OrderedDict._metadata) occur; they are dropped. */
    private void build(Object state) {
        Object target = peek();
        if (!(target instanceof Map<?, ?>)) {
            throw fail("BUILD on a " + PyValue.typeName(target) + " is not supported");
        }
        counted(1);
    }

    private Object longValue(long n) {
        if (n < 0 || n > MAX_LONG_BYTES) {
            throw fail("integer of " + n + " bytes (at most " + MAX_LONG_BYTES + ")");
        }
        byte[] le = need(n).toArray(ValueLayout.JAVA_BYTE);
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String string(long n) {
        if (n > MAX_STRING) {
            throw fail("string of " + n + " bytes (at most " + MAX_STRING + ")");
        }
        return new String(need(n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private byte[] bytes(long n) {
        if (n > MAX_STRING) {
            throw fail("bytes of length " + n + " (at most " + MAX_STRING + ")");
        }
        return need(n).toArray(ValueLayout.JAVA_BYTE);
    }

    /** A newline-terminated ASCII line (GLOBAL's module and name), at most 256 bytes. */
    private String line() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = u8();
            if (b == '\n') {
                return sb.toString();
            }
            if (sb.length() >= 256 || b < 0x20 || b > 0x7e) {
                throw fail("malformed GLOBAL name");
            }
            sb.append((char) b);
        }
    }

    private PyValue.Tuple tuple(List<Object> items) {
        return new PyValue.Tuple(count(items));
    }

    private Map<Object, Object> dict(Map<Object, Object> d, List<Object> kv) {
        if (kv.size() % 2 != 0) {
            throw fail("odd number of items for a dict");
        }
        counted(kv.size());
        for (int i = 0; i < kv.size(); i += 2) {
            Object k = kv.get(i);
            if (!(k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Boolean
                    || k instanceof Double || k instanceof PyValue.None)) {
                throw fail("dict key of type " + PyValue.typeName(k) + " is not supported");
            }
            d.put(k, kv.get(i + 1));
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> topDict() {
        if (!(peek() instanceof Map<?, ?> m)) {
            throw fail("SETITEM(S) on a " + PyValue.typeName(peek()) + ", not a dict");
        }
        return (Map<Object, Object>) m;
    }

    @SuppressWarnings("unchecked")
    private List<Object> topList() {
        if (!(peek() instanceof ArrayList<?> l)) {
            throw fail("APPEND(S) on a " + PyValue.typeName(peek()) + ", not a list");
        }
        return (List<Object>) l;
    }

    private <T> List<T> count(List<T> items) {
        counted(items.size());
        return items;
    }

    private void counted(long n) {
        objects += n;
        if (objects > MAX_OBJECTS) {
            throw fail("more than " + MAX_OBJECTS + " objects");
        }
    }

    /** Pushes a newly created value. */
    private void push(Object v) {
        counted(1);
        pushShared(v);
    }

    /** Pushes a value that already exists (memo, singletons): costs a stack slot only. */
    private void pushShared(Object v) {
        if (stack.size() >= MAX_STACK) {
            throw fail("stack deeper than " + MAX_STACK);
        }
        stack.add(v);
    }

    private Object peek() {
        if (stack.size() <= (marks.isEmpty() ? 0 : marks.getLast())) {
            throw fail("stack underflow at offset " + (pos - 1));
        }
        return stack.getLast();
    }

    /** Pops {@code n} values (oldest first) that lie above the current mark. */
    private List<Object> pop(int n) {
        int floor = marks.isEmpty() ? 0 : marks.getLast();
        if (stack.size() - floor < n) {
            throw fail("stack underflow at offset " + (pos - 1));
        }
        List<Object> top = stack.subList(stack.size() - n, stack.size());
        List<Object> out = new ArrayList<>(top);
        top.clear();
        return out;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw fail("no MARK at offset " + (pos - 1));
        }
        int m = marks.removeLast();
        List<Object> top = stack.subList(m, stack.size());
        List<Object> out = new ArrayList<>(top);
        top.clear();
        return out;
    }

    private void put(long index) {
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
            throw fail("memo larger than " + MAX_MEMO);
        }
        memo.put(index, peek());
    }

    private Object get(long index) {
        Object v = memo.get(index);
        if (v == null) {
            throw fail("memo index " + index + " is out of range");
        }
        return v;
    }

    private int u8() {
        return need(1).get(ValueLayout.JAVA_BYTE, 0) & 0xff;
    }

    /** The next {@code n} bytes; checks the length against what is left before anything is allocated. */
    private MemorySegment need(long n) {
        if (n < 0 || n > in.byteSize() - pos) {
            throw fail("pickle is truncated: needs " + n + " bytes at offset " + pos + ", " + (in.byteSize() - pos) + " left");
        }
        MemorySegment s = in.asSlice(pos, n);
        pos += n;
        return s;
    }

    private LoupeException fail(String problem) {
        return new LoupeException(file, "data.pkl: " + problem);
    }
}
