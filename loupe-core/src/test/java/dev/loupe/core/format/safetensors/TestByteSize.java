package dev.loupe.core.format.safetensors;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The expected values are what the peers' own functions return, run under Debian's python3 on 2026-12-06:
 * huggingface_hub's {@code parse_size_to_int} (src/huggingface_hub/serialization/_base.py at commit ee0a451, and its
 * {@code test_parse_size_to_int} in tests/test_serialization.py) for the decimal units, and transformers'
 * {@code convert_file_size_to_int} ({@code int(float(size[:-3]) * 2**30)} ...) for the binary ones.
 */
class TestByteSize {
    private static long bytes(String s) {
        return ByteSize.parse(s).bytes();
    }

    @Test
    void decimalUnitsAsHuggingfaceHubsOwnTest() {
        assertEquals(1_000L, bytes("1KB"));
        assertEquals(2_000_000L, bytes("2MB"));
        assertEquals(3_000_000_000L, bytes("3GB"));
        assertEquals(10_000L, bytes(" 10 KB ")); // whitespace around and inside
        assertEquals(20_000_000L, bytes("20mb")); // lowercase: still bytes (transformers would read bits)
        assertEquals(5_000_000_000L, bytes("5GB")); // save_pretrained's default
        assertEquals(2_500_000_000_000L, bytes("2.5tb"));
    }

    @Test
    void fractionsTruncateAsPythonsIntOfAFloatProduct() {
        assertEquals(1_500_000_000L, bytes("1.5GB"));
        assertEquals(8_199_999L, bytes("8.2MB")); // 8.2 * 1e6 = 8199999.999999999 in double; int() truncates
        assertEquals(1_000_000L, bytes("1e3KB"));
        assertEquals(500_000L, bytes(".5MB"));
    }

    @Test
    void binaryUnitsAsTransformersConvertFileSizeToInt() {
        assertEquals(1_048_576L, bytes("1MiB"));
        assertEquals(10_737_418_240L, bytes("10GiB"));
        assertEquals(1_610_612_736L, bytes("1.5GiB"));
        assertEquals(307L, bytes("0.3KiB"));
        assertEquals(2_147_483_648L, bytes("2gib"));
    }

    @Test
    void plainByteCountsAreExact() {
        assertEquals(1000L, bytes("1000"));
        assertEquals(123_456_789_012_345_679L, bytes("123456789012345679")); // a double would round it
        assertEquals(100L, bytes("100B"));
    }

    @Test
    void nonsenseIsOneLineNamingTheValue() {
        // "1ooKB" and "5 parsecs" are huggingface_hub's own refusals; below 1 byte ("0.0001KB" is 0 there) and
        // negative sizes ("-5GB" is -5e9 there) make no shard limit
        for (String bad : new String[] {"1ooKB", "5 parsecs", "0.0001KB", "-5GB", "0", "", "GB", "1.2.3MB", "NaNGB", "infGB",
                "99999999999TB"}) {
            LoupeException e = assertThrows(LoupeException.class, () -> ByteSize.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "' is not a size") && !e.getMessage().contains("\n"), e.getMessage());
        }
        assertThrows(LoupeException.class, () -> new ByteSize(0));
    }
}
