package dev.loupe.core.data;

import dev.loupe.core.LoupeException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed ({@code .gz}).
 *
 * <pre>
 * offset 0: 0x00 0x00            magic zero bytes
 * offset 2: type                 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
 * offset 3: ndim                 number of dimensions (1..255; we accept up to 8)
 * offset 4: ndim x u32 big-endian dimension sizes
 * then:     the data, big-endian, C order, nothing after it
 * </pre>
 */
public final class IdxReader {
    private static final int MAX_DIMS = 8;

    private IdxReader() {
    }

    public static NumericArray read(Path file) {
        boolean gz = file.getFileName().toString().endsWith(".gz");
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = gz ? new GZIPInputStream(new BufferedInputStream(raw, 1 << 16)) : new BufferedInputStream(raw, 1 << 16)) {
            byte[] head = Limits.readExactly(in, 4, file, "the IDX magic");
            if (head[0] != 0 || head[1] != 0) {
                throw new LoupeException(file, "not an IDX file (the first two bytes must be zero" + (gz ? "" : "; gzip files need a .gz name") + ")");
            }
            int type = head[2] & 0xFF;
            int width = switch (type) {
                case 0x08, 0x09 -> 1;
                case 0x0B -> 2;
                case 0x0C, 0x0D -> 4;
                case 0x0E -> 8;
                default -> throw new LoupeException(file, String.format("unknown IDX element type 0x%02X", type));
            };
            int ndim = head[3] & 0xFF;
            if (ndim < 1 || ndim > MAX_DIMS) {
                throw new LoupeException(file, "IDX header declares " + ndim + " dimensions (1.." + MAX_DIMS + " supported)");
            }
            ByteBuffer dims = ByteBuffer.wrap(Limits.readExactly(in, 4L * ndim, file, "the IDX dimensions")).order(ByteOrder.BIG_ENDIAN);
            long[] shape = new long[ndim];
            for (int i = 0; i < ndim; i++) {
                shape[i] = Integer.toUnsignedLong(dims.getInt());
            }
            int n = Limits.elements(file, shape, width);
            long dataBytes = (long) n * width;
            if (!gz && Files.size(file) != 4 + 4L * ndim + dataBytes) {
                long have = Files.size(file) - 4 - 4L * ndim;
                throw new LoupeException(file, (have < dataBytes ? "truncated" : "has trailing bytes") + ": header "
                        + java.util.Arrays.toString(shape) + " needs " + dataBytes + " data bytes, file has " + have);
            }
            ByteBuffer data = ByteBuffer.wrap(Limits.readExactly(in, dataBytes, file, "the IDX data")).order(ByteOrder.BIG_ENDIAN);
            Limits.expectEnd(in, file);
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = switch (type) {
                    case 0x08 -> data.get() & 0xFF;
                    case 0x09 -> data.get();
                    case 0x0B -> data.getShort();
                    case 0x0C -> data.getInt();
                    case 0x0D -> data.getFloat();
                    default -> (float) data.getDouble();
                };
            }
            return new NumericArray(shape, values, type <= 0x0C);
        } catch (ZipException | EOFException e) {
            throw new LoupeException(file, "corrupt gzip stream: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new LoupeException(file, "cannot read: " + e.getMessage(), e);
        }
    }
}
