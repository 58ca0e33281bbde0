package dev.loupe.core.tensor;

import dev.loupe.core.LoupeException;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A named tensor whose bytes stay where they are (usually a slice of a memory-mapped file) until
 * asked for. Shapes are row-major, outermost first, as in PyTorch and safetensors; readers of formats
 * with other conventions (GGUF's ne[0]-fastest) convert. Stored bytes are little-endian.
 *
 * <p>Most tensors are contiguous. PyTorch checkpoints can hold views into a shared storage with any
 * strides and an offset; those are decoded element by element in logical (row-major) order.
 */
public final class Tensor {
    /** Work below this many elements is decoded on the calling thread. */
    private static final int PARALLEL_CHUNK = 1 << 20;

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long numel;
    private final MemorySegment data;
    private final long[] strides;
    private final long offset;
    private final Path file;

    private Tensor(String name, DType dtype, long[] shape, MemorySegment data, long[] strides, long offset, Path file) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.numel = Shapes.numel(shape);
        this.data = data;
        this.strides = strides == null ? null : strides.clone();
        this.offset = offset;
        this.file = file;
    }

    /**
     * A row-major tensor whose stored bytes are exactly {@code data}. The caller has checked that
     * {@code data.byteSize() == dtype.byteSize(numel)}; this re-checks and reports a malformed file.
     */
    public static Tensor contiguous(String name, DType dtype, long[] shape, MemorySegment data, Path file) {
        long n = Shapes.numel(shape);
        long expect = n < 0 ? -1 : dtype.byteSize(n);
        if (expect < 0 || expect != data.byteSize()) {
            throw new LoupeException(file, "tensor '" + name + "': " + dtype + " " + Arrays.toString(shape)
                    + " needs " + (expect < 0 ? "an invalid number of" : expect) + " bytes, found " + data.byteSize());
        }
        return new Tensor(name, dtype, shape, data, null, 0, file);
    }

    /**
     * The most elements a view with more elements than its storage (zero strides: torch's expand) may have, 2^26
     * (256 MiB as fp32). Without a bound a 500-byte pickle declares [2^31, 2^31] over one stored element, and
     * decoding it (ls --verify, inspect) never ends; a real checkpoint stores weights, not broadcasts.
     */
    public static final long MAX_REPEATED_VIEW = 1L << 26;

    /**
     * A view into {@code storage} with element {@code strides} and element {@code offset} (PyTorch's
     * as_strided). Only plain dtypes. Bounds are checked here so that reading can never fault.
     */
    public static Tensor strided(String name, DType dtype, long[] shape, long[] strides, long offset,
                                 MemorySegment storage, Path file) {
        if (dtype.isQuantized() || strides.length != shape.length || offset < 0) {
            throw new LoupeException(file, "tensor '" + name + "': invalid strided view");
        }
        long n = Shapes.numel(shape);
        if (n < 0) {
            throw new LoupeException(file, "tensor '" + name + "': invalid shape " + Arrays.toString(shape));
        }
        long maxIndex = offset;
        for (int i = 0; i < shape.length; i++) {
            if (strides[i] < 0) {
                throw new LoupeException(file, "tensor '" + name + "': negative stride");
            }
            if (shape[i] > 0) {
                maxIndex = Math.addExact(maxIndex, Math.multiplyExact(shape[i] - 1, strides[i]));
            }
        }
        long storageElems = storage.byteSize() / dtype.elementBytes();
        if (n > 0 && maxIndex >= storageElems) {
            throw new LoupeException(file, "tensor '" + name + "': view reaches element " + maxIndex
                    + " of a storage of " + storageElems);
        }
        if (n > storageElems && n > MAX_REPEATED_VIEW) {
            throw new LoupeException(file, "tensor '" + name + "': a view of " + n + " elements " + Arrays.toString(shape)
                    + " over a storage of " + storageElems + " (zero strides repeat elements); at most " + MAX_REPEATED_VIEW
                    + " are accepted");
        }
        if (Arrays.equals(strides, Shapes.rowMajorStrides(shape))) {
            long bytes = dtype.byteSize(n);
            return new Tensor(name, dtype, shape, storage.asSlice(offset * dtype.elementBytes(), bytes), null, 0, file);
        }
        return new Tensor(name, dtype, shape, storage, strides, offset, file);
    }

    /** The same bytes under another name (sharded or prefixed checkpoints). */
    public Tensor renamed(String newName) {
        return new Tensor(newName, dtype, shape, data, strides, offset, file);
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public long numel() {
        return numel;
    }

    /** The file the tensor's bytes come from (for error messages and provenance). */
    public Path file() {
        return file;
    }

    public boolean isContiguous() {
        return strides == null;
    }

    /** Bytes the tensor occupies as stored (for a strided view: as it would be stored contiguously). */
    public long byteSize() {
        return dtype.byteSize(numel);
    }

    /** The stored bytes of a contiguous tensor (a view, not a copy). */
    public MemorySegment storedBytes() {
        if (strides != null) {
            throw new IllegalStateException("tensor '" + name + "' is a strided view; decode it instead");
        }
        return data;
    }

    /**
     * Whether {@code other} is the same view of the same stored bytes: PyTorch saves tied parameters (GPT-2's
     * lm_head and wte) once and points both names at that storage, so counting both would count it twice.
     */
    public boolean sameBytesAs(Tensor other) {
        return other != this && dtype == other.dtype && offset == other.offset && Arrays.equals(shape, other.shape)
                && Arrays.equals(strides, other.strides) && data.byteSize() == other.data.byteSize()
                && data.address() == other.data.address() && data.isNative() == other.data.isNative()
                && (data.isNative() || data.heapBase().equals(other.data.heapBase()));
    }

    /** All elements as floats, in row-major order. Large tensors are decoded on several threads. */
    public float[] toFloats() {
        float[] out = new float[checkedArraySize()];
        int chunks = (out.length + PARALLEL_CHUNK - 1) / PARALLEL_CHUNK;
        IntStream range = IntStream.range(0, chunks);
        (chunks > 1 ? range.parallel() : range).forEach(c -> {
            int start = c * PARALLEL_CHUNK;
            readFloats(start, out, start, Math.min(PARALLEL_CHUNK, out.length - start));
        });
        return out;
    }

    /** All elements as doubles, in row-major order (exact for F64 and for every integer up to 2^53). */
    public double[] toDoubles() {
        double[] out = new double[checkedArraySize()];
        int chunks = (out.length + PARALLEL_CHUNK - 1) / PARALLEL_CHUNK;
        IntStream range = IntStream.range(0, chunks);
        (chunks > 1 ? range.parallel() : range).forEach(c -> {
            int start = c * PARALLEL_CHUNK;
            readDoubles(start, out, start, Math.min(PARALLEL_CHUNK, out.length - start));
        });
        return out;
    }

    /**
     * Decodes elements {@code [start, start+len)} (row-major) into {@code dst[off..]}. For block types
     * start and len must be whole blocks, except that len may run to the end of the tensor.
     */
    public void readFloats(long start, float[] dst, int off, int len) {
        checkRange(start, len);
        if (strides == null) {
            ElementDecoder.decodeFloats(dtype, data, start, dst, off, len);
        } else {
            StridedReader.readFloats(this, start, dst, off, len);
        }
    }

    /** As {@link #readFloats} but into doubles. */
    public void readDoubles(long start, double[] dst, int off, int len) {
        checkRange(start, len);
        if (strides == null) {
            ElementDecoder.decodeDoubles(dtype, data, start, dst, off, len);
        } else {
            StridedReader.readDoubles(this, start, dst, off, len);
        }
    }

    long[] strides() {
        return strides;
    }

    long offset() {
        return offset;
    }

    MemorySegment data() {
        return data;
    }

    private int checkedArraySize() {
        if (numel > Integer.MAX_VALUE - 16) {
            throw new LoupeException(file, "tensor '" + name + "' has " + numel
                    + " elements, more than one Java array holds; read it in parts");
        }
        return (int) numel;
    }

    private void checkRange(long start, int len) {
        if (start < 0 || len < 0 || start + len > numel) {
            throw new IndexOutOfBoundsException("elements [" + start + ", " + (start + len) + ") of " + numel);
        }
        if (dtype.isQuantized()) {
            int b = dtype.blockElements();
            if (start % b != 0 || (len % b != 0 && start + len != numel)) {
                throw new IllegalArgumentException(dtype + " reads must be whole blocks of " + b);
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
