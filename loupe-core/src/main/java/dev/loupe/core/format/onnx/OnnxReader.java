package dev.loupe.core.format.onnx;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.LoadedCheckpoint;
import dev.loupe.core.checkpoint.CheckpointReader;
import dev.loupe.core.io.MappedFile;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads ONNX models: weights are the initializers of the graph and its subgraphs plus the values of
 * {@code Constant} nodes; raw_data and external data are zero-copy views of the mapped files.
 *
 * <p>Tensors of types Loupe cannot hold (STRING, complex, 4-bit, the fnuz float8 variants) are left
 * out of {@link Checkpoint#tensors()}; the metadata key {@code skipped_tensors} names them, and the
 * graph still lists them. ONNX has no magic number, so the reader goes by the {@code .onnx} suffix.
 */
public final class OnnxReader implements CheckpointReader {
    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.ONNX;
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        return CheckpointReader.hasExtension(file, ".onnx");
    }

    @Override
    public Checkpoint open(Path file) {
        MappedFile mapped = MappedFile.open(file);
        ExternalData external = new ExternalData(file);
        try {
            OnnxModel model = parse(file, mapped, external);
            return new LoadedCheckpoint(file, CheckpointFormat.ONNX, model.tensors(), model.metadata(), model.graph(),
                    List.of(external, mapped));
        } catch (RuntimeException e) {
            external.close();
            mapped.close();
            throw e;
        }
    }

    /** The external data files {@code file}'s tensors live in (real paths; empty when all are inside the model). */
    public static java.util.Set<Path> externalFiles(Path file) {
        try (MappedFile mapped = MappedFile.open(file); ExternalData external = new ExternalData(file)) {
            parse(file, mapped, external);
            return external.files();
        }
    }

    /**
     * The main graph of {@code file} (nodes, declared inputs and outputs) without keeping the file open: what a caller
     * reads to decide how to run a model before opening an inference session for it.
     */
    public static dev.loupe.core.graph.Graph graph(Path file) {
        try (MappedFile mapped = MappedFile.open(file); ExternalData external = new ExternalData(file)) {
            return parse(file, mapped, external).graph();
        }
    }

    /** Parses an already mapped model (the writer re-reads its source this way). */
    static OnnxModel parse(Path file, MappedFile mapped, ExternalData external) {
        try {
            return new OnnxModelParser(file, mapped.segment(), external).parse();
        } catch (StackOverflowError e) {
            // the depth cap makes this unreachable with the default stack; kept so a tiny -Xss cannot turn input into a crash
            throw new LoupeException(file, "not a valid ONNX file: nested too deeply");
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new LoupeException(file, "not a valid ONNX file: " + e.getMessage(), e);
        }
    }
}
