package dev.loupe.compress.engine;

import dev.loupe.compress.result.EvalResult;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.data.Datasets;
import dev.loupe.core.LoupeException;
import dev.loupe.runtime.Evaluation;
import dev.loupe.runtime.OnnxModel;
import dev.loupe.runtime.text.EncoderConfig;
import dev.loupe.runtime.text.SentenceEmbedder;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs the original and the compressed ONNX model on the same data in ONNX Runtime (loupe-runtime):
 * accuracy and mean cross-entropy for a classifier, mean cosine of the embeddings for an encoder.
 * The original runs first ({@link #before}), before the compressed model is written, so that bad data
 * (unreadable, mismatched labels, a wrong input size) fails without leaving an output file behind.
 */
final class BeforeAfter {
    private final Dataset dataset;
    private final Evaluation original;
    private final EncoderConfig encoder;
    private final List<String> sentences;
    private final float[][] embeddings;

    private BeforeAfter(Dataset dataset, Evaluation original, EncoderConfig encoder, List<String> sentences,
                        float[][] embeddings) {
        this.dataset = dataset;
        this.original = original;
        this.encoder = encoder;
        this.sentences = sentences;
        this.embeddings = embeddings;
    }

    private static int threads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Evaluates the original model on {@code data}. */
    static BeforeAfter before(Path original, EvalData data) {
        if (data.data() != null) {
            if (data.labels() == null) {
                throw new LoupeException(data.data(), "evaluating a classifier needs --labels");
            }
            Dataset d = Datasets.read(data.data(), data.labels());
            try (OnnxModel m = OnnxModel.open(original, threads())) {
                return new BeforeAfter(d, m.evaluate(d, 256), null, null, null);
            }
        }
        EncoderConfig c = EncoderConfig.resolve(original, data.encoder());
        List<String> sentences = data.sentences();
        try (OnnxModel m = OnnxModel.open(original, threads())) {
            return new BeforeAfter(null, null, c, sentences, new SentenceEmbedder(m, c.wordPiece(), c.pooling()).embed(sentences));
        }
    }

    /** Evaluates the compressed model on the same data and compares. */
    EvalResult after(Path compressed) {
        if (dataset != null) {
            Evaluation a;
            try (OnnxModel m = OnnxModel.open(compressed, threads())) {
                a = m.evaluate(dataset, 256);
            }
            return new EvalResult(EvalResult.Kind.CLASSIFIER, dataset.rows(), original.accuracy(), a.accuracy(), original.meanCrossEntropy(),
                    a.meanCrossEntropy(), Double.NaN);
        }
        float[][] a;
        try (OnnxModel m = OnnxModel.open(compressed, threads())) {
            a = new SentenceEmbedder(m, encoder.wordPiece(), encoder.pooling()).embed(sentences);
        }
        double sum = 0;
        for (int i = 0; i < embeddings.length; i++) {
            double dot = 0;
            for (int j = 0; j < embeddings[i].length; j++) {
                dot += (double) embeddings[i][j] * a[i][j]; // both unit length
            }
            sum += dot;
        }
        return new EvalResult(EvalResult.Kind.ENCODER, embeddings.length, Double.NaN, Double.NaN, Double.NaN, Double.NaN, sum / embeddings.length);
    }
}
