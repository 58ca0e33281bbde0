package dev.loupe.landscape.engine;

import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.data.Datasets;
import dev.loupe.runtime.text.EncoderConfig;
import dev.loupe.runtime.text.Sentences;
import dev.loupe.runtime.text.WordPieceTokenizer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The model, data and loss that {@code landscape} and {@code hessian} evaluate: tensor data (with integer labels
 * or float targets, reshaped to the model's input shape) or, for a BERT-style sentence encoder, sentences tokenized
 * with WordPiece whose loss is the MSE of the pooled embeddings against given targets or, by default, against the
 * model's own embeddings at its weights (a self-distillation loss whose Hessian is the Gauss-Newton matrix).
 * The encoder's tokenizer, pooling and length are decided once ({@link EncoderConfig}) and said to {@code notes}.
 */
public final class ModelData {
    /** Where the samples come from. */
    public sealed interface Source permits Tensors, Text {
    }

    /** Features (IDX, .npy or .csv; first axis = samples) and labels: integer classes, or float targets for mse. */
    public record Tensors(Path data, Path labels) implements Source {
    }

    /** Sentences, one per line, with optional target embeddings [sentences, dim] (float32 NPY) and encoder choices. */
    public record Text(Path text, Path targets, EncoderConfig.Choices encoder) implements Source {
        public Text {
            encoder = encoder == null ? EncoderConfig.Choices.NONE : encoder;
        }
    }

    private final Path model;
    private final Source source;
    private final LossKind loss;
    private final Consumer<String> notes;
    private EncoderConfig encoder;

    /**
     * @param loss  the loss asked for, or null for the default (cross-entropy; mse for text, the only one it takes)
     * @param notes where the encoder choice is said (stderr in the CLI)
     */
    public ModelData(Path model, Source source, LossKind loss, Consumer<String> notes) {
        if (source instanceof Text && loss != null && loss != LossKind.MSE) {
            throw new LoupeException(((Text) source).text(), "text models take the mse loss of their sentence embeddings, not "
                    + loss.name().toLowerCase(java.util.Locale.ROOT));
        }
        this.model = model;
        this.source = source;
        this.loss = source instanceof Text ? LossKind.MSE : loss != null ? loss : LossKind.CROSS_ENTROPY;
        this.notes = notes;
    }

    public LossKind loss() {
        return loss;
    }

    public boolean isText() {
        return source instanceof Text;
    }

    /** The data file named in reports. */
    public String dataName() {
        return (source instanceof Text t ? t.text() : ((Tensors) source).data()).toString();
    }

    /** The model with the weights {@code move} accepts as inputs; with text, sentence pooling appended so that its output is the embedding. */
    public ParameterizedModel open(Predicate<String> move) {
        ParameterizedModel m = ParameterizedModel.open(model, move);
        try {
            return source instanceof Text ? SentencePooling.append(m, encoder().pooling()) : m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private EncoderConfig encoder() {
        if (encoder == null) {
            encoder = EncoderConfig.resolve(model, ((Text) source).encoder());
            notes.accept(encoder.describe());
        }
        return encoder;
    }

    /**
     * The first {@code limit} samples for {@code m}; tensor examples are reshaped to its first input's shape when that
     * has fixed dimensions (and refused, naming both files, when the element counts differ). {@code batch} is the
     * batch size used to compute self-targets for text.
     */
    public Samples samples(ParameterizedModel m, int limit, int batch) {
        if (limit < 1) {
            throw new LoupeException("--samples must be at least 1");
        }
        return source instanceof Text t ? textSamples(m, t, limit, batch) : tensorSamples(m, (Tensors) source, limit);
    }

    private Samples tensorSamples(ParameterizedModel m, Tensors src, int limit) {
        Path data = src.data(), labels = src.labels();
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
        int n = Math.min(limit, d.rows());
        float[] x = Arrays.copyOf(d.features(), n * d.rowLength());
        if (loss == LossKind.MSE) {
            if (labels == null) {
                throw new LoupeException(data, "mse needs float targets in --labels");
            }
            Dataset t = Datasets.read(labels, null);
            if (t.rows() < n) {
                throw new LoupeException(labels, t.rows() + " targets for " + n + " samples");
            }
            long width = outputWidth(m);
            if (width > 0 && width != t.rowLength()) {
                throw new LoupeException(labels, "has " + t.rowLength() + " target values per sample but " + model.getFileName()
                        + " outputs " + width);
            }
            return Samples.regression(x, shape, Arrays.copyOf(t.features(), n * t.rowLength()), t.rowLength());
        }
        if (d.labels() == null) {
            return new Samples(x, shape, n, null, null, 0);
        }
        return Samples.classification(x, shape, Arrays.copyOf(d.labels(), n));
    }

    /** Values per sample of the model's first output when its non-batch dimensions are fixed, else -1. */
    private static long outputWidth(ParameterizedModel m) {
        long[] dims = m.outputs().getFirst().dims();
        long w = 1;
        for (int i = 1; i < dims.length; i++) {
            if (dims[i] <= 0) {
                return -1;
            }
            w *= dims[i];
        }
        return w;
    }

    private Samples textSamples(ParameterizedModel m, Text src, int limit, int batch) {
        WordPieceTokenizer wp = encoder().wordPiece();
        List<String> lines = Sentences.read(src.text());
        int n = Math.min(limit, lines.size());
        long[][] ids = new long[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = wp.encode(lines.get(i));
        }
        Samples s = Samples.text(ids);
        if (src.targets() == null) {
            return SelfTargets.at(m, s, m.theta0(), batch);
        }
        Dataset t = Datasets.read(src.targets(), null);
        int width = (int) m.outputs().getFirst().dims()[1];
        if (t.rows() < n || t.rowLength() != width) {
            throw new LoupeException(src.targets(), "holds " + t.rows() + " rows of " + t.rowLength() + " values; need " + n + " rows of " + width);
        }
        return s.withTargets(Arrays.copyOf(t.features(), n * width), width);
    }
}
