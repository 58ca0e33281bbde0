package dev.loupe.runtime.text;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.loupe.core.LoupeException;
import dev.loupe.runtime.OnnxModel;

import java.util.List;
import java.util.Map;

/**
 * Sentence embeddings from a BERT-style encoder ONNX (inputs input_ids, attention_mask and optionally
 * token_type_ids; first output the token states [batch, seq, dim]): pooled ({@link Pooling}: the mean over the
 * tokens the attention mask keeps, as all-MiniLM-L6-v2 and e5 prescribe, or the [CLS] state, as bge does), then
 * L2 normalized. Each sentence is run
 * unpadded in its own batch of one, so the result cannot depend on what else is in the batch.
 */
public final class SentenceEmbedder {
    private final OnnxModel model;
    private final WordPieceTokenizer tokenizer;
    private final Pooling pooling;

    public SentenceEmbedder(OnnxModel model, WordPieceTokenizer tokenizer, Pooling pooling) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.pooling = pooling;
        TextFeed.requireEncoder(model.file(), model.session().getInputNames());
    }

    /** Token ids of one sentence, as the model sees them. */
    public long[] tokens(String sentence) {
        return tokenizer.encode(sentence);
    }

    /** Unit-length embeddings, one row per sentence, computed on the model's thread count. */
    public float[][] embed(List<String> sentences) {
        return embed(sentences, dev.loupe.core.progress.Progress.NONE);
    }

    /** As {@link #embed(List)}, reporting each sentence to {@code progress}. */
    public float[][] embed(List<String> sentences, dev.loupe.core.progress.Progress progress) {
        progress.start("embedding " + sentences.size() + " sentences", sentences.size());
        float[][] out = new float[sentences.size()][];
        var jobs = new java.util.ArrayList<java.util.concurrent.Future<?>>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(model.threads(), r -> Thread.ofPlatform().daemon().unstarted(r))) {
            for (int i = 0; i < out.length; i++) {
                int k = i;
                jobs.add(pool.submit(() -> {
                    out[k] = embed(sentences.get(k));
                    progress.advance(1);
                }));
            }
            for (var f : jobs) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            progress.done();
        }
        return out;
    }

    /** {@link #embed(List, dev.loupe.core.progress.Progress)} with the run's token counts, mean norm and time. */
    public SentenceEmbeddings embedAll(List<String> sentences, dev.loupe.core.progress.Progress progress) {
        long t0 = System.nanoTime();
        float[][] v = embed(sentences, progress);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long tokens = 0;
        int maxTokens = 0;
        double norms = 0;
        for (int i = 0; i < v.length; i++) {
            int t = tokens(sentences.get(i)).length;
            tokens += t;
            maxTokens = Math.max(maxTokens, t);
            double s = 0;
            for (float x : v[i]) {
                s += (double) x * x;
            }
            norms += Math.sqrt(s);
        }
        int n = Math.max(1, v.length);
        return new SentenceEmbeddings(v, (double) tokens / n, maxTokens, norms / n, seconds);
    }

    /** The unit-length embedding of one sentence. */
    public float[] embed(String sentence) {
        long[] ids = tokenizer.encode(sentence);
        long[] ones = new long[ids.length];
        java.util.Arrays.fill(ones, 1);
        Map<String, OnnxTensor> in = Map.of();
        try {
            in = TextFeed.of(dev.loupe.runtime.session.OrtSessions.environment(), List.of(ids), model.session().getInputNames());
            Object first = model.run(in).values().iterator().next();
            if (!(first instanceof float[][][] states)) {
                throw new LoupeException(model.file(), "first output is not float token states [batch, seq, dim]");
            }
            return pooling == Pooling.CLS ? clsNormalize(states[0]) : meanPoolNormalize(states[0], ones);
        } catch (OrtException e) {
            throw new LoupeException(model.file(), "ONNX Runtime: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** The first token's ([CLS]) vector scaled to unit length. */
    static float[] clsNormalize(float[][] tokens) {
        return meanPoolNormalize(new float[][] {tokens[0]}, new long[] {1});
    }

    /** Mean of the token vectors where {@code mask} is 1, scaled to unit length (sums in double). */
    static float[] meanPoolNormalize(float[][] tokens, long[] mask) {
        int dim = tokens[0].length;
        double[] sum = new double[dim];
        long count = 0;
        for (int t = 0; t < tokens.length; t++) {
            if (mask[t] != 0) {
                count++;
                for (int d = 0; d < dim; d++) {
                    sum[d] += tokens[t][d];
                }
            }
        }
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            sum[d] /= Math.max(count, 1);
            norm += sum[d] * sum[d];
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) {
            out[d] = (float) (sum[d] / norm);
        }
        return out;
    }
}
