package dev.loupe.cli.landscape;

import dev.loupe.cli.EvalCommand;
import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.data.Datasets;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.engine.SelfTargets;
import dev.loupe.landscape.engine.SentencePooling;
import dev.loupe.landscape.engine.ValueType;
import dev.loupe.runtime.text.EncoderConfig;
import dev.loupe.runtime.text.Pooling;
import dev.loupe.runtime.text.WordPieceTokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The model, data and loss shared by {@code landscape} and {@code hessian}: tensor data (--data, with labels
 * or float targets) or, for a BERT-style sentence encoder, text (--text, tokenized with WordPiece) whose loss
 * is the MSE of the pooled sentence embeddings against --targets or, by default, the model's own embeddings.
 */
public final class ModelDataOptions {
    private static final int TEXT_SAMPLES = 64, TEXT_BATCH = 16;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "An ONNX classifier, regressor or (with --text) BERT-style sentence encoder.")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", description = "Evaluation inputs (IDX, .npy or .csv; first axis = samples).")
    Path data;

    @Option(names = "--text", paramLabel = "FILE", description = {"UTF-8 sentences, one per line, for a sentence encoder (inputs input_ids, attention_mask[, token_type_ids]; "
            + "first output token states [batch, seq, dim]). The loss is the MSE of the mean-pooled, L2-normalized embeddings against --targets, "
            + "or by default against the model's own embeddings at its weights: a self-distillation loss, zero there, whose Hessian is the "
            + "Gauss-Newton matrix (2/dim)·JᵀJ of the embeddings."})
    Path text;

    @Option(names = "--tokenizer", paramLabel = "JSON", description = "Hugging Face tokenizer.json (WordPiece) for --text. "
            + "Default: tokenizer.json or MODEL-tokenizer.json beside the model (or one folder up), else the bundled one for all-MiniLM-L6-v2.")
    Path tokenizer;

    @Option(names = "--max-tokens", paramLabel = "N", description = "With --text: truncate sentences to N word pieces incl. [CLS]/[SEP]. "
            + "Default: sentence_bert_config.json beside the model, else what the model is known to use (256 for "
            + "all-MiniLM-L6-v2), else tokenizer_config.json, else the model's position table.")
    Integer maxTokens;

    @Option(names = "--targets", paramLabel = "FILE.npy", description = "With --text: target embeddings [sentences, dim] (float32 NPY), e.g. from 'loupe eval --embeddings'.")
    Path targets;

    @Option(names = "--pooling", paramLabel = "mean|cls", description = "With --text: sentence vector from the token states, mean "
            + "(all-MiniLM, e5) or cls (bge). Default: 1_Pooling/config.json beside the model, else what the model is known to use, else mean.")
    Pooling pooling;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    private EncoderConfig encoder;

    @Option(names = "--labels", paramLabel = "FILE", description = "Integer class labels (IDX, .npy or .csv), one per sample.")
    Path labels;

    @Option(names = "--samples", description = "Use the first N samples (default 1000; 64 sentences with --text).")
    Integer samples;

    @Option(names = "--loss", description = "cross_entropy (logits + labels), mse (targets in --labels as floats) or model_output (default cross_entropy; mse with --text).")
    LossKind loss;

    @Option(names = "--weights", paramLabel = "REGEX", description = "Move only the float32 weights whose name matches (default: all).")
    String weights;

    @Option(names = "--batch", description = "Samples per ONNX Runtime run (default 500; 16 with --text).")
    Integer batch;

    @Option(names = "--threads", description = "Points evaluated in parallel (default: the number of cores).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    public int threads() {
        return threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
    }

    public LossKind loss() {
        if (text != null && loss != null && loss != LossKind.MSE) {
            throw new LoupeException(text, "text models take the mse loss of their sentence embeddings, not " + loss.name().toLowerCase());
        }
        return text != null ? LossKind.MSE : loss != null ? loss : LossKind.CROSS_ENTROPY;
    }

    public int batch() {
        return batch != null ? batch : text != null ? TEXT_BATCH : 500;
    }

    /** The data file named in reports. */
    public String dataName() {
        return (text != null ? text : data).toString();
    }

    /** The model; with --text, with sentence pooling appended so that its output is the embedding. */
    public ParameterizedModel open() {
        if ((data == null) == (text == null)) {
            throw new LoupeException(model, "give exactly one of --data and --text");
        }
        if (text == null && (tokenizer != null || targets != null || pooling != null || maxTokens != null)) {
            throw new LoupeException(model, "--tokenizer, --targets, --pooling and --max-tokens go with --text");
        }
        if (batch != null && batch < 1 || threads != null && threads < 1) {
            throw new LoupeException("--batch and --threads must be at least 1, got " + batch + " and " + threads);
        }
        loss(); // refuses a loss that does not fit the data before any work
        Pattern p;
        try {
            p = weights == null ? null : Pattern.compile(weights);
        } catch (PatternSyntaxException e) {
            throw new LoupeException("--weights is not a valid regular expression: " + e.getDescription() + " in '" + weights + "'");
        }
        ParameterizedModel m = ParameterizedModel.open(model, p == null ? n -> true : n -> p.matcher(n).find());
        try {
            return text != null ? SentencePooling.append(m, encoder().pooling()) : m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Tokenizer, pooling and maximum length for --text, decided once and said on stderr. */
    private EncoderConfig encoder() {
        if (encoder == null) {
            encoder = EncoderConfig.resolve(model, new EncoderConfig.Choices(tokenizer, pooling, maxTokens));
            mixee.commandLine().getErr().println(encoder.describe());
        }
        return encoder;
    }

    /** Reads the samples, reshaped to the model's input shape when that has the same element count. */
    public Samples samples(ParameterizedModel m) {
        int limit = samples != null ? samples : text != null ? TEXT_SAMPLES : 1000;
        if (limit < 1) {
            throw new LoupeException("--samples must be at least 1");
        }
        if (text != null) {
            return textSamples(m, limit);
        }
        LossKind loss = loss();
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

    private Samples textSamples(ParameterizedModel m, int limit) {
        WordPieceTokenizer wp = encoder().wordPiece();
        List<String> lines = EvalCommand.readLines(text);
        int n = Math.min(limit, lines.size());
        long[][] ids = new long[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = wp.encode(lines.get(i));
        }
        Samples s = Samples.text(ids);
        if (targets == null) {
            return SelfTargets.at(m, s, m.theta0(), batch());
        }
        Dataset t = Datasets.read(targets, null);
        int width = (int) m.outputs().getFirst().dims()[1];
        if (t.rows() < n || t.rowLength() != width) {
            throw new LoupeException(targets, "holds " + t.rows() + " rows of " + t.rowLength() + " values; need " + n + " rows of " + width);
        }
        return s.withTargets(Arrays.copyOf(t.features(), n * width), width);
    }
}
