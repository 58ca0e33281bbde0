package dev.loupe.core.data;

import dev.loupe.core.LoupeException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files, format versions 1.0, 2.0 and 3.0, little-endian f4/f8/i1/u1/i4/i8, C order.
 *
 * <pre>
 * offset 0: "\x93NUMPY"          magic
 * offset 6: major, minor         1.x: u16 LE header length; 2.x/3.x: u32 LE header length (3.x: UTF-8 header)
 * then:     header text, a Python dict literal: {'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }
 * then:     the data, nothing after it
 * </pre>
 * The header is parsed with three anchored patterns rather than a Python-literal parser: numpy always writes
 * exactly these three keys, and anything else is rejected.
 */
public final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {
    }

    public static NumericArray read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            long fileSize = Files.size(file);
            byte[] pre = Limits.readExactly(in, 8, file, "the NPY magic");
            for (int i = 0; i < MAGIC.length; i++) {
                if (pre[i] != MAGIC[i]) {
                    throw new LoupeException(file, "not an NPY file (missing the \\x93NUMPY magic)");
                }
            }
            int major = pre[6] & 0xFF;
            long headerLen = switch (major) {
                case 1 -> ByteBuffer.wrap(Limits.readExactly(in, 2, file, "the NPY header length")).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
                case 2, 3 -> Integer.toUnsignedLong(ByteBuffer.wrap(Limits.readExactly(in, 4, file, "the NPY header length")).order(ByteOrder.LITTLE_ENDIAN).getInt());
                default -> throw new LoupeException(file, "unsupported NPY format version " + major + "." + (pre[7] & 0xFF));
            };
            long prefix = major == 1 ? 10 : 12;
            if (headerLen > MAX_HEADER || prefix + headerLen > fileSize) {
                throw new LoupeException(file, "NPY header length " + headerLen + " does not fit the file (" + fileSize + " bytes)");
            }
            String header = new String(Limits.readExactly(in, headerLen, file, "the NPY header"),
                    major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String descr = find(DESCR, header, file, "descr");
            if (find(FORTRAN, header, file, "fortran_order").equals("True")) {
                throw new LoupeException(file, "Fortran-order NPY arrays are not supported; save with np.ascontiguousarray(a)");
            }
            long[] shape = shape(find(SHAPE, header, file, "shape"), file);
            int width = switch (descr) {
                case "|i1", "|u1", "<i1", "<u1", "i1", "u1" -> 1;
                case "<i4", "<f4" -> 4;
                case "<i8", "<f8" -> 8;
                default -> throw new LoupeException(file, "unsupported NPY dtype '" + descr
                        + "' (supported: little-endian f4, f8, i1, u1, i4, i8)");
            };
            int n = Limits.elements(file, shape, width);
            long dataBytes = (long) n * width;
            if (prefix + headerLen + dataBytes != fileSize) {
                throw new LoupeException(file, (prefix + headerLen + dataBytes > fileSize ? "truncated" : "has trailing bytes")
                        + ": shape " + java.util.Arrays.toString(shape) + " of " + descr + " needs " + dataBytes
                        + " data bytes, file has " + (fileSize - prefix - headerLen));
            }
            ByteBuffer data = ByteBuffer.wrap(Limits.readExactly(in, dataBytes, file, "the NPY data")).order(ByteOrder.LITTLE_ENDIAN);
            char kind = descr.charAt(descr.length() - 2);
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = switch (descr.substring(descr.length() - 2)) {
                    case "i1" -> data.get();
                    case "u1" -> data.get() & 0xFF;
                    case "i4" -> data.getInt();
                    case "i8" -> data.getLong();
                    case "f4" -> data.getFloat();
                    default -> (float) data.getDouble();
                };
            }
            return new NumericArray(shape, values, kind != 'f');
        } catch (IOException e) {
            throw new LoupeException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static String find(Pattern p, String header, Path file, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new LoupeException(file, "NPY header has no valid '" + key + "' entry: " + header.strip());
        }
        return m.group(1);
    }

    private static long[] shape(String tuple, Path file) {
        String[] parts = tuple.split(",");
        int count = 0;
        long[] dims = new long[parts.length];
        for (String p : parts) {
            String s = p.strip();
            if (s.isEmpty()) {
                continue; // "(5,)" has an empty last part
            }
            try {
                dims[count++] = Long.parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
            } catch (NumberFormatException e) {
                throw new LoupeException(file, "NPY shape has a non-integer dimension '" + s + "'");
            }
        }
        return java.util.Arrays.copyOf(dims, count);
    }
}
