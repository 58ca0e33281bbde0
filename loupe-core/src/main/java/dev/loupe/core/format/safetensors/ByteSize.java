package dev.loupe.core.format.safetensors;

import dev.loupe.core.LoupeException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A positive number of bytes, written as Hugging Face writes {@code max_shard_size}: a plain byte count, or a number
 * and a unit. KB, MB, GB, TB are powers of 1000 and any case, with spaces allowed around and inside, as
 * huggingface_hub's {@code parse_size_to_int} ({@code src/huggingface_hub/serialization/_base.py}); KiB, MiB, GiB,
 * TiB are powers of 1024, as transformers' {@code convert_file_size_to_int} reads them for {@code save_pretrained}.
 * Unlike transformers, a lowercase {@code b} ("5Gb") is bytes, not bits, as huggingface_hub reads it.
 *
 * @param bytes the size in bytes, at least 1
 */
public record ByteSize(long bytes) {
    // Python's float() syntax for the number (huggingface_hub parses the value with it), minus inf/nan/underscores.
    private static final Pattern SIZE = Pattern.compile(
            "\\s*(\\+?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*([kmgt]i?b|b)?\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern PLAIN = Pattern.compile("\\s*\\+?\\d{1,18}\\s*");

    public ByteSize {
        if (bytes < 1) {
            throw new LoupeException("a size must be at least 1 byte, got " + bytes);
        }
    }

    /** Reads {@code text} ("5GB", "500 MB", "1.5GiB", "1000000"); anything else is a one-line LoupeException. */
    public static ByteSize parse(String text) {
        if (PLAIN.matcher(text).matches()) { // exact, without a double's 53-bit rounding
            long b = Long.parseLong(text.strip());
            if (b >= 1) {
                return new ByteSize(b);
            }
        } else {
            Matcher m = SIZE.matcher(text);
            if (m.matches()) {
                // value * multiplier in double, then truncated, as Python's int(float(value) * multiplier)
                double v = Double.parseDouble(m.group(1)) * multiplier(m.group(2));
                if (v >= 1 && v < 0x1p63) {
                    return new ByteSize((long) v);
                }
            }
        }
        throw new LoupeException("'" + text + "' is not a size of at least 1 byte: give a byte count or a number with KB, MB, GB, TB "
                + "(powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), such as 5GB, 500MB or 2GiB");
    }

    private static double multiplier(String unit) {
        return switch (unit == null ? "b" : unit.toLowerCase(Locale.ROOT)) {
            case "kb" -> 1e3;
            case "mb" -> 1e6;
            case "gb" -> 1e9;
            case "tb" -> 1e12;
            case "kib" -> 0x1p10;
            case "mib" -> 0x1p20;
            case "gib" -> 0x1p30;
            case "tib" -> 0x1p40;
            default -> 1;
        };
    }
}
