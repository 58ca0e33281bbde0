package dev.loupe.cli;

import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.data.Datasets;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.engine.ValueType;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The model, data and loss shared by {@code landscape} and {@code hessian}. */
final class ModelDataOptions {
    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "An ONNX classifier or regressor.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Evaluation inputs (IDX, .npy or .csv; first axis = samples).")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE", description = "Integer class labels (IDX, .npy or .csv), one per sample.")
    Path labels;

    @Option(names = "--samples", defaultValue = "1000", description = "Use the first N samples (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--loss", defaultValue = "cross_entropy", description = "cross_entropy (logits + labels), mse (targets in --labels as floats) or model_output (default ${DEFAULT-VALUE}).")
    LossKind loss;

    @Option(names = "--weights", paramLabel = "REGEX", description = "Move only the float32 weights whose name matches (default: all).")
    String weights;

    @Option(names = "--batch", defaultValue = "500", description = "Samples per ONNX Runtime run (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", description = "Points evaluated in parallel (default: the number of cores).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    int threads() {
        return threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
    }

    ParameterizedModel open() {
        if (batch < 1 || (threads != null && threads < 1)) {
            throw new LoupeException("--batch and --threads must be at least 1, got " + batch + " and " + threads);
        }
        Pattern p;
        try {
            p = weights == null ? null : Pattern.compile(weights);
        } catch (PatternSyntaxException e) {
            throw new LoupeException("--weights is not a valid regular expression: " + e.getDescription() + " in '" + weights + "'");
        }
        return ParameterizedModel.open(model, p == null ? n -> true : n -> p.matcher(n).find());
    }

    /** Reads the samples, reshaped to the model's input shape when that has the same element count. */
    Samples samples(ParameterizedModel m) {
        if (samples < 1) {
            throw new LoupeException("--samples must be at least 1");
        }
        if (loss == LossKind.CROSS_ENTROPY && labels == null) {
            throw new LoupeException(data, "cross-entropy needs --labels");
        }
        Dataset d = Datasets.read(data, loss == LossKind.MSE ? null : labels);
        long[] shape = d.exampleShape();
        if (!m.dataInputs().isEmpty()) {
            ValueType in = m.dataInputs().getFirst();
            long[] want = Arrays.copyOfRange(in.dims(), 1, in.dims().length);
            if (Arrays.stream(want).allMatch(x -> x > 0)) {
                long n = Arrays.stream(want).reduce(1, Math::multiplyExact);
                if (n != d.rowLength()) { // ONNX Runtime would say only "invalid rank", naming neither file
                    throw new LoupeException(data, "examples have " + d.rowLength() + " values, but " + model.getFileName()
                            + " takes " + Arrays.toString(want) + " = " + n + " per example");
                }
                shape = want;
            }
        }
        int n = Math.min(samples, d.rows());
        float[] x = Arrays.copyOf(d.features(), n * d.rowLength());
        if (loss == LossKind.MSE) {
            if (labels == null) {
                throw new LoupeException(data, "mse needs float targets in --labels");
            }
            Dataset t = Datasets.read(labels, null);
            if (t.rows() < n) {
                throw new LoupeException(labels, t.rows() + " targets for " + n + " samples");
            }
            return Samples.regression(x, shape, Arrays.copyOf(t.features(), n * t.rowLength()), t.rowLength());
        }
        if (d.labels() == null) {
            return new Samples(x, shape, n, null, null, 0);
        }
        return Samples.classification(x, shape, Arrays.copyOf(d.labels(), n));
    }
}
