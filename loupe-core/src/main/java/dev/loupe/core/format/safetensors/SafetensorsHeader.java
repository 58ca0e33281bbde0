package dev.loupe.core.format.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Shapes;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors binary layout, and the only class that knows it:
 * <pre>
 *   [0, 8)          N: unsigned 64-bit little-endian, the header length in bytes
 *   [8, 8+N)        UTF-8 JSON object: {"__metadata__": {str: str}?,
 *                                       name: {"dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end]}, ...}
 *                   padded with spaces so that 8+N is a multiple of 8 (the Rust writer does this)
 *   [8+N, EOF)      data section; a tensor's bytes are [8+N+begin, 8+N+end), row-major, little-endian
 * </pre>
 * Everything is validated against the file size before anything is allocated from it. The reference
 * implementation (huggingface/safetensors, Rust) additionally rejects gaps between tensors and trailing
 * bytes; we accept those (they are harmless) but reject every overlap.
 */
public final class SafetensorsHeader {
    /** The Rust library's MAX_HEADER_SIZE; a bigger header is refused before it is read. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    static final int LENGTH_BYTES = 8;
    static final String METADATA_KEY = "__metadata__";
    /** numpy's NPY_MAXDIMS; no real tensor has more, and it bounds what a hostile shape costs. */
    static final int MAX_RANK = 64;
    /** Longest name or value quoted in an error message, so a hostile header cannot flood the terminal. */
    private static final int MAX_QUOTED = 120;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** One tensor as the header describes it; offsets are relative to the data section. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long byteSize() {
            return end - begin;
        }
    }

    private final long dataStart;
    private final long dataSize;
    private final List<Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsHeader(long dataStart, long dataSize, List<Entry> entries, Map<String, String> metadata) {
        this.dataStart = dataStart;
        this.dataSize = dataSize;
        this.entries = List.copyOf(entries);
        this.metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** File offset of the data section. */
    public long dataStart() {
        return dataStart;
    }

    /** Bytes from the data section's start to the end of the file. */
    public long dataSize() {
        return dataSize;
    }

    /** The tensors, in header (JSON) order. */
    public List<Entry> entries() {
        return entries;
    }

    /** {@code __metadata__}, in header order; empty when absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Parses and validates the header of {@code file}, whose whole content is {@code bytes}. */
    public static SafetensorsHeader parse(Path file, MemorySegment bytes) {
        long size = bytes.byteSize();
        if (size < LENGTH_BYTES) {
            throw bad(file, "file is " + size + " bytes, shorter than the 8-byte header length");
        }
        long n = bytes.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw bad(file, "header length " + Long.toUnsignedString(n) + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - LENGTH_BYTES) {
            throw bad(file, "header length " + n + " runs past the end of the file (" + size + " bytes)");
        }
        byte[] raw = bytes.asSlice(LENGTH_BYTES, n).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root = readJson(file, raw);
        long dataStart = LENGTH_BYTES + n;
        long dataSize = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (var e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                entries.add(readEntry(file, e.getKey(), e.getValue(), dataSize));
            }
        }
        checkNoOverlap(file, entries);
        return new SafetensorsHeader(dataStart, dataSize, entries, metadata);
    }

    private static JsonNode readJson(Path file, byte[] raw) {
        String text;
        try {
            // Strict decoding: Jackson would accept some malformed sequences inside strings.
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "header is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw bad(file, "header is not valid JSON: " + brief(msg.lines().findFirst().orElse("")));
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "header is not a JSON object");
        }
        return root;
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw bad(file, METADATA_KEY + " is not an object of strings");
        }
        for (var e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw bad(file, METADATA_KEY + " value of '" + brief(e.getKey()) + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static Entry readEntry(Path file, String name, JsonNode node, long dataSize) {
        String where = "tensor '" + brief(name) + "': ";
        if (!node.isObject()) {
            throw bad(file, where + "entry is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw bad(file, where + "\"dtype\" is missing or not a string");
        }
        String dtypeName = dtypeNode.textValue();
        DType dtype = DType.parse(dtypeName).filter(d -> !d.isQuantized() && d.name().equals(dtypeName))
                .orElseThrow(() -> bad(file, where + "unknown dtype \"" + brief(dtypeName) + "\""));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode != null && shapeNode.size() > MAX_RANK) {
            throw bad(file, where + "shape has " + shapeNode.size() + " dimensions, more than " + MAX_RANK);
        }
        long[] shape = longs(file, where, shapeNode, "shape", -1);
        long[] offsets = longs(file, where, node.get("data_offsets"), "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw bad(file, where + "data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataSize) {
            throw bad(file, where + "data_offsets [" + begin + ", " + end + "] run past the end of the data section ("
                    + dataSize + " bytes)");
        }
        long numel = Shapes.numel(shape);
        long expected = numel < 0 ? -1 : dtype.byteSize(numel);
        if (expected < 0) {
            throw bad(file, where + "shape " + Arrays.toString(shape) + " has too many elements");
        }
        if (expected != end - begin) {
            throw bad(file, where + dtype + " " + Arrays.toString(shape) + " needs " + expected + " bytes, data_offsets span "
                    + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers that fit a long; {@code length} -1 means any length. */
    private static long[] longs(Path file, String where, JsonNode node, String field, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw bad(file, where + "\"" + field + "\" is missing or not an array"
                    + (length >= 0 ? " of " + length + " integers" : " of integers"));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber()) {
                throw bad(file, where + "\"" + field + "\" holds " + brief(v.toString()) + ", not an integer");
            }
            if (!v.canConvertToLong() || v.longValue() < 0) {
                throw bad(file, where + "\"" + field + "\" value " + brief(v.toString()) + " is negative or too large");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static void checkNoOverlap(Path file, List<Entry> entries) {
        List<Entry> byBegin = new ArrayList<>(entries);
        byBegin.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry prev = null;
        for (Entry e : byBegin) {
            if (e.begin() == e.end()) {
                continue; // empty tensors occupy no bytes
            }
            if (prev != null && e.begin() < prev.end()) {
                throw bad(file, "tensors '" + brief(prev.name()) + "' [" + prev.begin() + ", " + prev.end() + ") and '"
                        + brief(e.name()) + "' [" + e.begin() + ", " + e.end() + ") overlap");
            }
            prev = e;
        }
    }

    /**
     * The header bytes (length prefix included) for {@code entries} in the given order, which is
     * also the JSON order; {@code __metadata__} comes first with its keys sorted. The JSON is padded
     * with spaces to a multiple of 8 bytes so the data section starts 8-byte aligned.
     */
    static byte[] encode(Map<String, String> metadata, List<Entry> entries) {
        var root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            var m = root.putObject(METADATA_KEY);
            metadata.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> m.put(e.getKey(), e.getValue()));
        }
        for (Entry e : entries) {
            var t = root.putObject(e.name());
            t.put("dtype", e.dtype().name());
            var shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(e.begin()).add(e.end());
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a safetensors header", e);
        }
        int padded = (json.length + 7) & ~7;
        ByteBuffer out = ByteBuffer.allocate(LENGTH_BYTES + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.hasRemaining()) {
            out.put((byte) ' ');
        }
        return out.array();
    }

    private static String brief(String s) {
        return s.length() <= MAX_QUOTED ? s : s.substring(0, MAX_QUOTED) + "...(" + s.length() + " chars)";
    }

    private static LoupeException bad(Path file, String problem) {
        return new LoupeException(file, "not a valid safetensors file: " + problem);
    }
}
