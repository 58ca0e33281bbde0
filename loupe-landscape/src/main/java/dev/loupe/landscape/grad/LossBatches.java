package dev.loupe.landscape.grad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.loupe.core.LoupeException;
import dev.loupe.landscape.engine.BatchInputs;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dataset as the gradient graph's feeds: each batch's data inputs as ONNX Runtime tensors, with its one-hot labels
 * (cross-entropy) or targets (MSE), and its weight in the mean loss. Read once per {@link GradientEvaluator} and fed to
 * every run; a model without data inputs is one empty batch of weight 1.
 */
final class LossBatches implements AutoCloseable {
    private final List<Map<String, OnnxTensor>> feeds = new ArrayList<>();
    private final List<Double> weights = new ArrayList<>();

    private LossBatches() {
    }

    /** Columns of the one-hot labels or targets {@code kind} feeds: the model's classes, the targets' width, or 0. */
    static int width(ParameterizedModel model, Samples data, LossKind kind) {
        return switch (kind) {
            case CROSS_ENTROPY -> classes(model, data);
            case MSE -> data.targetWidth();
            case MODEL_OUTPUT -> 0;
        };
    }

    /** Reads every batch; on failure closes what it made. */
    static LossBatches read(OrtEnvironment env, ParameterizedModel model, Samples data, LossKind kind, int batchSize,
                            int width) {
        LossBatches out = new LossBatches();
        try {
            out.fill(env, model, data, kind, batchSize, width);
            return out;
        } catch (OrtException e) {
            out.close();
            throw new LoupeException(model.file(), "ONNX Runtime rejected the data batches: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private void fill(OrtEnvironment env, ParameterizedModel model, Samples data, LossKind kind, int batchSize, int width)
            throws OrtException {
        if (model.dataInputs().isEmpty()) {
            feeds.add(Map.of());
            weights.add(1.0);
            return;
        }
        if (data == null) {
            throw new LoupeException(model.file(), "needs a dataset for its input '" + model.dataInputs().getFirst().name() + "'");
        }
        int bs = Math.max(1, batchSize);
        for (int from = 0; from < data.size(); from += bs) {
            int count = Math.min(bs, data.size() - from);
            Map<String, OnnxTensor> feed = new HashMap<>(BatchInputs.of(env, model, data, from, count));
            feeds.add(feed); // before the label tensors, so close() frees the inputs if one fails
            switch (kind) {
                case CROSS_ENTROPY -> {
                    float[] onehot = new float[count * width];
                    for (int s = 0; s < count; s++) {
                        onehot[s * width + data.labels()[from + s]] = 1f;
                    }
                    feed.put(GradientGraph.ONEHOT, tensor(env, onehot, 0, onehot.length, new long[]{count, width}));
                }
                case MSE -> feed.put(GradientGraph.TARGETS,
                        tensor(env, data.targets(), from * width, count * width, new long[]{count, width}));
                case MODEL_OUTPUT -> {
                }
            }
            // CE and MSE graphs output the batch's sum; a model's own loss is a batch mean
            weights.add(kind == LossKind.MODEL_OUTPUT ? (double) count / data.size() : 1.0 / data.size());
        }
    }

    int size() {
        return feeds.size();
    }

    Map<String, OnnxTensor> feed(int b) {
        return feeds.get(b);
    }

    double weight(int b) {
        return weights.get(b);
    }

    List<Map<String, OnnxTensor>> feeds() {
        return feeds;
    }

    private static OnnxTensor tensor(OrtEnvironment env, float[] src, int off, int len, long[] shape) throws OrtException {
        FloatBuffer fb = ByteBuffer.allocateDirect(len * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        fb.put(src, off, len).rewind();
        return OnnxTensor.createTensor(env, fb, shape);
    }

    private static int classes(ParameterizedModel m, Samples data) {
        long[] dims = m.outputs().getFirst().dims();
        if (dims.length == 2 && dims[1] > 0) {
            return (int) dims[1];
        }
        int max = 0;
        for (int y : data.labels()) {
            max = Math.max(max, y);
        }
        return max + 1;
    }

    @Override
    public void close() {
        feeds.forEach(m -> m.values().forEach(OnnxTensor::close));
    }
}
