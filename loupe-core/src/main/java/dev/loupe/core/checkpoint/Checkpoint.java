package dev.loupe.core.checkpoint;

import dev.loupe.core.graph.Graph;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trained model as a set of named tensors, opened lazily: the index is parsed and validated on
 * open, tensor bytes are read only when decoded. Close it to unmap the files.
 */
public interface Checkpoint extends AutoCloseable {
    /** What was opened: a file, a shard index or a directory. */
    Path source();

    CheckpointFormat format();

    /** Every tensor, in a stable order (file order; for sharded checkpoints, shard then file order). */
    List<Tensor> tensors();

    /** Free-form metadata: safetensors {@code __metadata__}, GGUF key/values, ONNX producer and opsets. */
    Map<String, String> metadata();

    /** The computation graph, for formats that carry one (ONNX). */
    default Optional<Graph> graph() {
        return Optional.empty();
    }

    default Optional<Tensor> tensor(String name) {
        return tensors().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Total stored bytes of all tensors. */
    default long byteSize() {
        return tensors().stream().mapToLong(Tensor::byteSize).reduce(0, Checkpoint::add);
    }

    /** Total number of elements (parameters). */
    default long parameterCount() {
        return tensors().stream().mapToLong(Tensor::numel).reduce(0, Checkpoint::add);
    }

    @Override
    void close();

    /** Totals over untrusted sizes: an overflow is an error, never a negative count printed as a result. */
    static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new dev.loupe.core.LoupeException("the checkpoint's sizes add up to more than 2^63");
        }
    }
}
