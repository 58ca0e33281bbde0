package dev.loupe.lm;

/**
 * The reference the tests hold the forward pass to: the transformers formulas for LlamaDecoderLayer and GPT2Block
 * written out token by token in double precision with plain loops (no BLAS, no buffers, no batching), so it shares
 * nothing with the code under test but the formulas.
 */
final class NaiveDecoder {
    private NaiveDecoder() {
    }

    static double[][] logits(TinyLm m, int[] tokens) {
        return logits(m, tokens, layer -> 0);
    }

    /** With layer l's queries seeing only the last {@code window(l)} keys, themselves included (0: all). */
    static double[][] logits(TinyLm m, int[] tokens, java.util.function.IntUnaryOperator window) {
        int t = tokens.length;
        int hd = m.d / m.heads;
        double[][] x = new double[t][];
        for (int i = 0; i < t; i++) {
            x[i] = m.w.get("embed")[tokens[i]].clone();
            if (m.gpt2) {
                for (int j = 0; j < m.d; j++) {
                    x[i][j] += m.w.get("pos")[i][j];
                }
            }
        }
        for (int l = 0; l < m.layers; l++) {
            String s = "l" + l + ".";
            double[][] q = new double[t][];
            double[][] k = new double[t][];
            double[][] v = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] h = norm(m, x[i], s + "n1");
                if (m.gpt2) {
                    double[] qkv = mv(m, s + "qkv", h);
                    q[i] = java.util.Arrays.copyOfRange(qkv, 0, m.d);
                    k[i] = java.util.Arrays.copyOfRange(qkv, m.d, 2 * m.d);
                    v[i] = java.util.Arrays.copyOfRange(qkv, 2 * m.d, 3 * m.d);
                } else {
                    q[i] = rope(m, mv(m, s + "q", h), i, hd);
                    k[i] = rope(m, mv(m, s + "k", h), i, hd);
                    v[i] = mv(m, s + "v", h);
                }
            }
            int w = window.applyAsInt(l);
            for (int i = 0; i < t; i++) {
                int first = w > 0 ? Math.max(0, i - w + 1) : 0;
                double[] o = new double[m.heads * hd];
                for (int h = 0; h < m.heads; h++) {
                    int g = h / (m.heads / m.kvHeads);
                    double[] sc = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = first; j <= i; j++) {
                        for (int e = 0; e < hd; e++) {
                            sc[j] += q[i][h * hd + e] * k[j][g * hd + e];
                        }
                        sc[j] /= Math.sqrt(hd);
                        max = Math.max(max, sc[j]);
                    }
                    double z = 0;
                    for (int j = first; j <= i; j++) {
                        z += Math.exp(sc[j] - max);
                    }
                    for (int j = first; j <= i; j++) {
                        for (int e = 0; e < hd; e++) {
                            o[h * hd + e] += Math.exp(sc[j] - max) / z * v[j][g * hd + e];
                        }
                    }
                }
                add(x[i], mv(m, s + "o", o));
            }
            for (int i = 0; i < t; i++) {
                double[] h = norm(m, x[i], s + "n2");
                double[] a = mv(m, s + "up", h);
                if (m.gpt2) {
                    for (int j = 0; j < a.length; j++) {
                        a[j] = 0.5 * a[j] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (a[j] + 0.044715 * Math.pow(a[j], 3))));
                    }
                } else {
                    double[] g = mv(m, s + "gate", h);
                    for (int j = 0; j < a.length; j++) {
                        a[j] *= g[j] / (1 + Math.exp(-g[j]));
                    }
                }
                add(x[i], mv(m, s + "down", a));
            }
        }
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            out[i] = mv(m, "head", norm(m, x[i], "nf"));
        }
        return out;
    }

    private static double[] norm(TinyLm m, double[] x, String key) {
        double[] g = m.w.get(key)[0];
        double[] out = new double[x.length];
        if (m.gpt2) {
            double mean = 0;
            for (double e : x) {
                mean += e / x.length;
            }
            double var = 0;
            for (double e : x) {
                var += (e - mean) * (e - mean) / x.length;
            }
            for (int j = 0; j < x.length; j++) {
                out[j] = (x[j] - mean) / Math.sqrt(var + m.eps) * g[j] + m.w.get(key + ".b")[0][j];
            }
        } else {
            double ms = 0;
            for (double e : x) {
                ms += e * e / x.length;
            }
            for (int j = 0; j < x.length; j++) {
                out[j] = g[j] * x[j] / Math.sqrt(ms + m.eps);
            }
        }
        return out;
    }

    /** W·x (+ b), W as [out][in]. */
    private static double[] mv(TinyLm m, String key, double[] x) {
        double[][] w = m.w.get(key);
        double[] b = m.w.containsKey(key + ".b") ? m.w.get(key + ".b")[0] : null;
        double[] y = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += w[i][j] * x[j];
            }
            if (b != null) {
                y[i] += b[i];
            }
        }
        return y;
    }

    /** rotate_half RoPE: pairs (i, i + hd/2) of each head rotated by position·theta^(-2i/hd). */
    private static double[] rope(TinyLm m, double[] x, int pos, int hd) {
        double[] out = x.clone();
        for (int h = 0; h < x.length / hd; h++) {
            for (int i = 0; i < hd / 2; i++) {
                double a = pos * Math.pow(m.theta, -2.0 * i / hd);
                double x1 = x[h * hd + i];
                double x2 = x[h * hd + i + hd / 2];
                out[h * hd + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
                out[h * hd + i + hd / 2] = x2 * Math.cos(a) + x1 * Math.sin(a);
            }
        }
        return out;
    }

    private static void add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }
}
