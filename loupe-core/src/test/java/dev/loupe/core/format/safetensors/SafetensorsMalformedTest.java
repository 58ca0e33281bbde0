package dev.loupe.core.format.safetensors;

import dev.loupe.core.testing.MalformedInput;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Hostile safetensors files: each must give one LoupeException naming the file, nothing else. */
class SafetensorsMalformedTest {
    /** A valid file: one F32 [2,2] tensor (16 data bytes) after a 64-byte header. */
    private static final String GOOD = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        byte[] good = file(GOOD, 16);
        int headerEnd = 8 + GOOD.length();
        return Stream.of(
                arguments("empty file", new byte[0], "shorter than the 8-byte header length"),
                arguments("5 bytes", new byte[] {1, 0, 0, 0, 0}, "shorter than the 8-byte header length"),
                arguments("truncated inside header", Arrays.copyOf(good, headerEnd - 10), "runs past the end of the file"),
                arguments("truncated at header end", Arrays.copyOf(good, headerEnd), "run past the end of the data section"),
                arguments("truncated inside data", Arrays.copyOf(good, headerEnd + 9), "run past the end of the data section"),
                arguments("huge header length", withLength(1L << 40, "{}"), "exceeds the limit"),
                arguments("header length 2^64-1", withLength(-1L, "{}"), "exceeds the limit"),
                arguments("header length just over 100 MB", withLength(100_000_001L, "{}"), "exceeds the limit"),
                arguments("negative offset", file(entry("F32", "[2]", "[-8,0]"), 16), "negative or too large"),
                arguments("offset beyond 2^63", file(entry("F32", "[1]", "[0,36893488147419103232]"), 4),
                        "negative or too large"),
                arguments("offsets past EOF", file(entry("F32", "[268435456]", "[0,1073741824]"), 16),
                        "run past the end of the data section"),
                arguments("begin after end", file(entry("F32", "[1]", "[8,4]"), 16), "end before they begin"),
                arguments("overlapping tensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 16), "overlap"),
                arguments("bad dtype string", file(entry("F33", "[4]", "[0,16]"), 16), "unknown dtype \"F33\""),
                arguments("ggml dtype in safetensors", file(entry("Q4_K", "[4]", "[0,16]"), 16), "unknown dtype"),
                arguments("numpy spelling of dtype", file(entry("float32", "[4]", "[0,16]"), 16), "unknown dtype"),
                arguments("dtype not a string", file("{\"w\":{\"dtype\":4,\"shape\":[4],\"data_offsets\":[0,16]}}", 16),
                        "\"dtype\" is missing"),
                arguments("dtype x shape mismatch", file(entry("F32", "[3]", "[0,16]"), 16), "needs 12 bytes"),
                arguments("JSON array header", file("[1,2,3]", 0), "not a JSON object"),
                arguments("JSON string header", file("\"hello\"", 0), "not a JSON object"),
                arguments("broken JSON", file("{\"w\":{\"dtype\":", 0), "not valid JSON"),
                arguments("trailing garbage after JSON", file("{} {}", 0), "not valid JSON"),
                arguments("metadata value not a string", file("{\"__metadata__\":{\"epoch\":3}}", 0),
                        "value of 'epoch' is not a string"),
                arguments("metadata not an object", file("{\"__metadata__\":[\"a\"]}", 0), "not an object of strings"),
                arguments("non-UTF-8 tensor name", nonUtf8Name(), "not valid UTF-8"),
                arguments("duplicate tensor names", file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                        + "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2), "Duplicate field 'a'"),
                arguments("negative dim", file(entry("F32", "[-1,4]", "[0,16]"), 16), "negative or too large"),
                arguments("fractional dim", file(entry("F32", "[2.5]", "[0,10]"), 16), "not an integer"),
                arguments("numel overflows", file(entry("F32", "[4294967296,4294967296]", "[0,16]"), 16), "too many elements"),
                arguments("bytes overflow", file(entry("F64", "[4611686018427387904]", "[0,16]"), 16), "too many elements"),
                arguments("three offsets", file(entry("F32", "[1]", "[0,4,8]"), 16), "array of 2 integers"),
                arguments("missing shape", file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "\"shape\" is missing"),
                arguments("entry not an object", file("{\"w\":17}", 0), "entry is not an object"),
                arguments("65 dimensions", file(entry("F32", "[" + "1,".repeat(64) + "1]", "[0,4]"), 4),
                        "65 dimensions, more than 64"),
                arguments("deeply nested JSON", file("{\"w\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 0),
                        "not valid JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsWithOneClearError(String what, byte[] bytes, String fragment) throws IOException {
        Path f = dir.resolve(what.replace(' ', '_') + ".safetensors");
        Files.write(f, bytes);
        MalformedInput.assertRejected(f, fragment);
    }

    @org.junit.jupiter.api.Test
    void hostileNamesAreAbbreviatedInTheMessage() throws IOException {
        Path f = dir.resolve("long-name.safetensors");
        Files.write(f, file("{\"" + "x".repeat(40_000) + "\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        String msg = MalformedInput.assertRejected(f, "unknown dtype").getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(msg.length() < 400, () -> msg.length() + " chars");
        org.junit.jupiter.api.Assertions.assertTrue(msg.contains("(40000 chars)"), msg);
    }

    private static String entry(String dtype, String shape, String offsets) {
        return "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    /** Header length, header, then {@code dataBytes} zero bytes. */
    static byte[] file(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).array();
    }

    private static byte[] withLength(long length, String json) {
        byte[] f = file(json, 0);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        return f;
    }

    private static byte[] nonUtf8Name() {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.writeBytes("{\"".getBytes(StandardCharsets.US_ASCII));
        h.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
        h.writeBytes("\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}".getBytes(StandardCharsets.US_ASCII));
        byte[] json = h.toByteArray();
        return ByteBuffer.allocate(8 + json.length + 1).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json).array();
    }
}
