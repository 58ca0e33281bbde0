package dev.loupe.landscape.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.core.LoupeException;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Regression targets from the model itself: its first output at the given weights, batch by batch. With
 * these targets the MSE loss is zero at those weights, its gradient vanishes, and its Hessian there is
 * exactly the Gauss–Newton matrix (2/width)·JᵀJ/n of the outputs — the curvature of a self-distillation
 * loss, which is what an embedding model without labels offers.
 */
public final class SelfTargets {
    private SelfTargets() {
    }

    public static Samples at(ParameterizedModel m, Samples data, float[] theta, int batchSize) {
        OrtEnvironment env = OrtSessions.environment();
        float[] out = null;
        int width = 0;
        try (ModelSession s = OrtSessions.open(m.forwardModel(), m.file(), SessionSettings.defaults())) {
            ParameterLayout l = m.layout();
            Map<String, OnnxTensor> weights = new java.util.HashMap<>();
            try {
                for (int i = 0; i < l.count(); i++) {
                    FloatBuffer fb = LossSession.direct(l.length(i));
                    fb.put(theta, l.offset(i), l.length(i)).rewind();
                    weights.put(l.names().get(i), OnnxTensor.createTensor(env, fb, l.shapes().get(i)));
                }
                int bs = Math.max(1, batchSize);
                for (int from = 0; from < data.size(); from += bs) {
                    int count = Math.min(bs, data.size() - from);
                    Map<String, OnnxTensor> batch = BatchInputs.of(env, m, data, from, count);
                    Map<String, OnnxTensor> feed = new java.util.HashMap<>(weights);
                    feed.putAll(batch);
                    try (OrtSession.Result r = s.run(feed)) {
                        float[] y = LossSession.floats(r.get(0));
                        if (out == null) {
                            width = y.length / count;
                            out = new float[Math.multiplyExact(width, data.size())];
                        }
                        if (y.length != count * width) {
                            throw new LoupeException(m.file(), "first output has " + y.length / count + " values per sample, expected " + width);
                        }
                        System.arraycopy(y, 0, out, from * width, y.length);
                    } finally {
                        batch.values().forEach(OnnxTensor::close);
                    }
                }
            } finally {
                weights.values().forEach(OnnxTensor::close);
            }
        } catch (OrtException e) {
            throw new LoupeException(m.file(), "ONNX Runtime failed computing the model's own outputs: " + e.getMessage(), e);
        }
        return data.withTargets(out, width);
    }
}
