package dev.loupe.cli.landscape;

import dev.loupe.cli.EncoderOptions;
import dev.loupe.core.LoupeException;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ModelData;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The options naming the model, data and loss shared by {@code landscape} and {@code hessian}: tensor data (--data,
 * with labels or float targets) or, for a BERT-style sentence encoder, text (--text) whose loss is the MSE of the
 * pooled sentence embeddings against --targets or, by default, the model's own embeddings. What they mean is
 * {@link ModelData}'s (loupe-landscape); this class parses them and fills in the defaults.
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

    @Mixin
    EncoderOptions encoder;

    @Option(names = "--targets", paramLabel = "FILE.npy", description = "With --text: target embeddings [sentences, dim] (float32 NPY), e.g. from 'loupe eval --embeddings'.")
    Path targets;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    private ModelData modelData;

    @Option(names = "--labels", paramLabel = "FILE", description = "Integer class labels (IDX, .npy or .csv), one per sample.")
    Path labels;

    @Option(paramLabel = "N", names = "--samples", description = "Use the first N samples (default 1000; 64 sentences with --text).")
    Integer samples;

    @Option(paramLabel = "LOSS", names = "--loss", description = "cross_entropy (logits + labels), mse (targets in --labels as floats) or model_output (default cross_entropy; mse with --text).")
    LossKind loss;

    @Option(names = "--weights", paramLabel = "REGEX", description = "Move only the float32 weights whose name matches (default: all).")
    String weights;

    @Option(paramLabel = "N", names = "--batch", description = "Samples per ONNX Runtime run (default 500; 16 with --text).")
    Integer batch;

    @Option(paramLabel = "N", names = "--threads", description = "Points evaluated in parallel (default: the number of cores).")
    Integer threads;

    @Option(paramLabel = "SEED", names = "--seed", defaultValue = "0", description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    public int threads() {
        return threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
    }

    public LossKind loss() {
        return data().loss();
    }

    public int batch() {
        return batch != null ? batch : defaultBatch(text != null);
    }

    /**
     * Samples per ONNX Runtime run when --batch is not given: 500 images, or 16 sentences of a sentence encoder. Also
     * what compress --allocate hessian runs its traces with, so they equal loupe hessian --per-layer's.
     */
    public static int defaultBatch(boolean text) {
        return text ? TEXT_BATCH : 500;
    }

    /** The data file named in reports. */
    public String dataName() {
        return data().dataName();
    }

    /** The options as the landscape module takes them, checked once; the encoder choice is said on stderr. */
    private ModelData data() {
        if (modelData == null) {
            if ((data == null) == (text == null)) {
                throw new LoupeException(model, "give exactly one of --data and --text");
            }
            if (text == null && (targets != null || encoder.given())) {
                throw new LoupeException(model, "--tokenizer, --targets, --pooling and --max-tokens go with --text");
            }
            ModelData.Source src = text != null
                    ? new ModelData.Text(text, targets, encoder.choices())
                    : new ModelData.Tensors(data, labels);
            modelData = new ModelData(model, src, loss, mixee.commandLine().getErr()::println);
        }
        return modelData;
    }

    /** The model; with --text, with sentence pooling appended so that its output is the embedding. */
    public ParameterizedModel open() {
        ModelData d = data(); // refuses a loss that does not fit the data before any work
        if (batch != null && batch < 1 || threads != null && threads < 1) {
            throw new LoupeException("--batch and --threads must be at least 1, got " + batch + " and " + threads);
        }
        Pattern p;
        try {
            p = weights == null ? null : Pattern.compile(weights);
        } catch (PatternSyntaxException e) {
            throw new LoupeException("--weights is not a valid regular expression: " + e.getDescription() + " in '" + weights + "'");
        }
        return d.open(p == null ? n -> true : n -> p.matcher(n).find());
    }

    /** The first --samples samples (default 1000; 64 sentences with --text), shaped for {@code m}. */
    public Samples samples(ParameterizedModel m) {
        return data().samples(m, samples != null ? samples : text != null ? TEXT_SAMPLES : 1000, batch());
    }
}
