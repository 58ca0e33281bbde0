package dev.loupe.cli;

import dev.loupe.core.LoupeException;
import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.data.Datasets;
import dev.loupe.core.data.NpyWriter;
import dev.loupe.lm.onnx.OnnxDecoder;
import dev.loupe.runtime.Evaluation;
import dev.loupe.runtime.OnnxModel;
import dev.loupe.runtime.text.EncoderConfig;
import dev.loupe.runtime.text.SentenceEmbedder;
import dev.loupe.runtime.text.SentenceEmbeddings;
import dev.loupe.runtime.text.Sentences;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code loupe eval}: a classifier's accuracy on a labelled dataset, or sentence embeddings from an encoder. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Run an ONNX model on data with ONNX Runtime (one session, batched, multi-threaded).",
                "Classifier: --data X --labels Y prints accuracy and mean cross-entropy (X, Y: IDX[.gz], .npy or .csv; "
                        + "X is cast to float as stored, e.g. raw 0..255 pixels).",
                "Encoder: --text FILE (one sentence per line) computes pooled, L2-normalized embeddings: --pooling mean "
                        + "(all-MiniLM, e5) or cls (bge); by default what a sentence-transformers 1_Pooling/config.json "
                        + "next to the model declares, else mean.",
                "Decoder language model (a Hugging Face folder with config.json, a .gguf, or an ONNX decoder export whose "
                        + "graph maps input_ids to logits [batch, sequence, vocab], e.g. Optimum's, with or without past, or an Optimum "
                        + "export folder without safetensors): --text "
                        + "FILE (read whole) prints perplexity and mean negative log-likelihood per token (natural log), with "
                        + "--context/--stride or --llama-cpp. An ONNX decoder's tokenizer is the tokenizer.json beside it (or "
                        + "--tokenizer), its BOS id and position limit come from the config.json beside it when present.",
                "MODEL may be 'minilm' for the bundled all-MiniLM-L6-v2 (its tokenizer is then the bundled one). "
                        + "--threads is the number of batches run concurrently."})
public final class EvalCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "ONNX model file, a decoder LM (Hugging Face folder, .gguf), or 'minilm'.")
    String model;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--data", paramLabel = "X", description = "Features: IDX[.gz], .npy or .csv, first dimension = examples.")
        Path data;

        @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 text, one sentence per line (blank lines skipped).")
        Path text;
    }

    @Option(names = "--labels", paramLabel = "Y", description = "Integer class labels, one per example (needed with --data).")
    Path labels;

    @Mixin
    EncoderOptions encoder;

    @Option(names = "--embeddings", paramLabel = "OUT.npy", description = "With --text: also write the embeddings as a float32 NPY matrix [sentences, dimension].")
    Path embeddings;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "N", description = "Examples per ONNX Runtime call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    ThreadsOption threads;

    @Mixin
    LmEvalOptions lm;

    @Mixin
    JsonOption json;

    @Mixin
    QuietOption quiet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** What {@code eval --text} prints: the run's {@link SentenceEmbeddings} statistics with the names of its inputs and output. */
    record Embeddings(String model, String text, int sentences, int dimension, String pooling, int tokenLimit,
                      double meanTokens, int maxTokens, double meanNorm, String output, double seconds) {
    }

    @Override
    public Integer call() {
        int n = threads.resolve();
        boolean bundled = model.equals("minilm");
        Path modelFile = bundled ? BundledModels.miniLm() : Path.of(model);
        if (input.text != null) {
            LmEval eval = new LmEval(spec.commandLine().getOut(), json, quiet.progress(json.enabled(), "tokens"));
            if (!bundled && dev.loupe.lm.LanguageModel.isLanguageModel(modelFile)) {
                return eval.perplexity(modelFile, lm.request(input.text));
            }
            // an ONNX decoder is told from a sentence encoder by its graph (input_ids -> logits); the LM options insist on one
            Optional<OnnxDecoder> decoder = lm.given() ? Optional.of(OnnxDecoder.open(modelFile, encoder.tokenizer()))
                    : !bundled && OnnxDecoder.isOnnx(modelFile) ? OnnxDecoder.openIfDecoder(modelFile, encoder.tokenizer()) : Optional.empty();
            if (decoder.isPresent()) {
                return eval.perplexity(decoder.get(), lm.request(input.text));
            }
        } else if (lm.given()) {
            throw new LoupeException("--context, --stride and --llama-cpp are for decoder LMs with --text");
        }
        OutputPaths.file(embeddings, modelFile, input.text, input.data, labels, encoder.tokenizer());
        try (OnnxModel m = OnnxModel.open(modelFile, n)) {
            if (input.data != null) {
                Dataset d = Datasets.read(input.data, labels);
                if (!d.hasLabels()) {
                    throw new LoupeException(input.data, "accuracy needs --labels");
                }
                print(m.evaluate(d, batch));
            } else {
                EncoderConfig c = EncoderConfig.resolve(modelFile, encoder.choices());
                spec.commandLine().getErr().println(c.describe());
                embed(new SentenceEmbedder(m, c.wordPiece(), c.pooling()), c, modelFile);
            }
        }
        return 0;
    }

    private void embed(SentenceEmbedder e, EncoderConfig c, Path modelFile) {
        SentenceEmbeddings v = e.embedAll(Sentences.read(input.text), quiet.progress(json.enabled()));
        if (embeddings != null) {
            NpyWriter.write(embeddings, v.vectors());
        }
        Embeddings r = new Embeddings(modelFile.toString(), input.text.toString(), v.sentences(), v.dimension(),
                c.pooling().name().toLowerCase(java.util.Locale.ROOT), c.maxTokens(), v.meanTokens(), v.maxTokens(), v.meanNorm(),
                embeddings == null ? null : embeddings.toString(), v.seconds());
        if (!json.print(r, spec.commandLine().getOut())) {
            spec.commandLine().getOut().printf("%s on %s: %d sentences -> %d-dim %s-pooled embeddings (tokens mean %.1f, max %d; mean norm %.6f) in %.2f s%s%n",
                    r.model(), r.text(), r.sentences(), r.dimension(), r.pooling(), r.meanTokens(), r.maxTokens(), r.meanNorm(), r.seconds(),
                    r.output() == null ? "" : "; wrote " + r.output());
        }
    }

    private void print(Evaluation e) {
        if (!json.print(e, spec.commandLine().getOut())) {
            spec.commandLine().getOut().printf("%s on %s: accuracy %.4f (%d/%d), mean cross-entropy %.6f  [%d classes, batch %d, %d threads, %.2f s]%n",
                    e.model(), e.data(), e.accuracy(), e.correct(), e.n(), e.meanCrossEntropy(), e.classes(), e.batch(), e.threads(),
                    e.seconds());
        }
    }
}
