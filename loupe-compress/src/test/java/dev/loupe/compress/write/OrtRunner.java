package dev.loupe.compress.write;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Test helper: runs MiniLM in ONNX Runtime on fixed token ids and mean-pools the last hidden state. */
final class OrtRunner {
    private OrtRunner() {
    }

    /** Token ids of a few short sentences ([CLS] ... [SEP], BERT uncased vocabulary ids). */
    static final long[][] SENTENCES = {
            {101, 1996, 4937, 2938, 2006, 1996, 13523, 1012, 102},
            {101, 7592, 2088, 1010, 2129, 2024, 2017, 1029, 102},
            {101, 15756, 6125, 2024, 3435, 1998, 2235, 1012, 102},
            {101, 1045, 2293, 5440, 2157, 2044, 6265, 102}};

    static float[][] embed(Path model) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model.toString(), so)) {
                float[][] out = new float[SENTENCES.length][];
                for (int k = 0; k < SENTENCES.length; k++) {
                    long[] ids = SENTENCES[k];
                    long[] mask = new long[ids.length];
                    java.util.Arrays.fill(mask, 1);
                    long[] types = new long[ids.length];
                    Map<String, OnnxTensor> in = new HashMap<>();
                    try (OnnxTensor a = OnnxTensor.createTensor(env, new long[][] {ids});
                         OnnxTensor b = OnnxTensor.createTensor(env, new long[][] {mask});
                         OnnxTensor c = OnnxTensor.createTensor(env, new long[][] {types})) {
                        in.put("input_ids", a);
                        in.put("attention_mask", b);
                        in.put("token_type_ids", c);
                        try (OrtSession.Result r = s.run(in)) {
                            float[][][] h = (float[][][]) r.get(0).getValue();
                            float[] mean = new float[h[0][0].length];
                            for (float[] tok : h[0]) {
                                for (int j = 0; j < mean.length; j++) {
                                    mean[j] += tok[j] / h[0].length;
                                }
                            }
                            out[k] = mean;
                        }
                    }
                }
                return out;
            }
        }
    }

    static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    /** Mean cosine between matching rows. */
    static double meanCosine(float[][] a, float[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += cosine(a[i], b[i]);
        }
        return s / a.length;
    }
}
