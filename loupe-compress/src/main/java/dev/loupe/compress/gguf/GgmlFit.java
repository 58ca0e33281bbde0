package dev.loupe.compress.gguf;

/**
 * ggml's scale (and min) searches for one group of quants, ported from ggml/src/ggml-quants.c ({@code nearest_int},
 * {@code make_qx_quants}, {@code make_qkx2_quants}, {@code make_qkx3_quants}, {@code make_qp_quants}) in float
 * arithmetic, statement for statement, so the chosen levels and scales equal llama.cpp's bit for bit. Arrays carry an
 * offset where the C code takes a pointer into a row; {@code L} holds the levels as ints (the C arrays are int8/uint8:
 * values written there are masked the same way here).
 */
final class GgmlFit {
    /** GROUP_MAX_EPS: a group whose largest magnitude is below this counts as all zero. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private GgmlFit() {
    }

    /** {@code nearest_int}: round half to even by adding 1.5 * 2^23 and reading the mantissa (|f| <= 2^22). */
    static int nearestInt(float f) {
        float v = f + 12582912.f;
        return (Float.floatToRawIntBits(v) & 0x007fffff) - 0x00400000;
    }

    /**
     * {@code make_qx_quants}: symmetric levels l in [-nmax, nmax) stored as l + nmax, the scale chosen among
     * -(nmax + 0.1 is) / max, is = -9..9, by weighted least squares (weights {@code qw}, or x² when null; rmse_type 1).
     */
    static float qx(int n, int nmax, float[] x, int xo, int[] L, int lo, float[] qw, int qo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) {
                L[lo + i] = 0;
            }
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xo + i];
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
            L[lo + i] = l + nmax;
            float w = qw != null ? qw[qo + i] : xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; ++is) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
                float w = qw != null ? qw[qo + i] : xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; ++i) {
                    L[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[xo + i])));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /**
     * {@code make_qkx2_quants} (reference K-quants, always weighted) and {@code make_qkx3_quants} (importance
     * variant, {@code weights} null meaning x²): affine levels in [0, nmax] with scale and min (min <= 0) fitted by
     * weighted least squares over the candidate inverse scales (rmin + rdelta is + nmax) / (max - min). Returns the
     * scale; {@code mins[mo]} receives -min. The two C functions differ only in max == min vs max <= min (the same for
     * min <= 0 <= max after clamping) and in the default weights.
     */
    static float qkx(int n, int nmax, float[] x, int xo, float[] weights, int wo, int[] L, int lo, float[] mins, int mo,
                     int[] laux, float rmin, float rdelta, int nstep, boolean useMad) {
        float min = x[xo];
        float max = x[xo];
        float sumW = weights != null ? weights[wo] : x[xo] * x[xo];
        float sumX = sumW * x[xo];
        for (int i = 1; i < n; ++i) {
            float xi = x[xo + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights != null ? weights[wo + i] : xi * xi;
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max <= min) {
            for (int i = 0; i < n; ++i) {
                L[lo + i] = 0;
            }
            mins[mo] = -min;
            return 0.f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xo + i];
            int l = nearestInt(iscale * (xi - min));
            L[lo + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * L[lo + i] + min - xi;
            diff = useMad ? Math.abs(diff) : diff * diff;
            float w = weights != null ? weights[wo + i] : xi * xi;
            bestError += w * diff;
        }
        if (nstep < 1) {
            mins[mo] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; ++is) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXl = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (xi - min))));
                laux[i] = l;
                float w = weights != null ? weights[wo + i] : xi * xi;
                sumL += w * l;
                sumL2 += w * l * l;
                sumXl += w * l * xi;
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float err = 0;
                for (int i = 0; i < n; ++i) {
                    float diff = thisScale * laux[i] + thisMin - x[xo + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    float w = weights != null ? weights[wo + i] : x[xo + i] * x[xo + i];
                    err += w * diff;
                }
                if (err < bestError) {
                    System.arraycopy(laux, 0, L, lo, n);
                    bestError = err;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        mins[mo] = -min;
        return scale;
    }

    /**
     * {@code make_qp_quants}: non-negative levels in [0, nmax] for non-negative x (the sub-block scales and mins of
     * the importance-weighted K-quants), scale searched over (nmax + 0.1 is) / max, is = -4..4, then up to five
     * coordinate-descent passes that move one level at a time while the weighted fit improves. L is uint8 in C.
     */
    static float qp(int n, int nmax, float[] x, int[] L, float[] qw) {
        float max = 0;
        for (int i = 0; i < n; ++i) {
            max = max > x[i] ? max : x[i];
        }
        if (max < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) {
                L[i] = 0;
            }
            return 0.f;
        }
        float iscale = nmax / max;
        for (int i = 0; i < n; ++i) {
            L[i] = nearestInt(iscale * x[i]) & 0xff;
        }
        float scale = 1 / iscale;
        float bestMse = 0;
        for (int i = 0; i < n; ++i) {
            float diff = x[i] - scale * L[i];
            bestMse += qw[i] * diff * diff;
        }
        for (int is = -4; is <= 4; ++is) {
            if (is == 0) {
                continue;
            }
            float iscaleIs = (0.1f * is + nmax) / max;
            float scaleIs = 1 / iscaleIs;
            float mse = 0;
            for (int i = 0; i < n; ++i) {
                int l = Math.min(nmax, nearestInt(iscaleIs * x[i]));
                float diff = x[i] - scaleIs * l;
                mse += qw[i] * diff * diff;
            }
            if (mse < bestMse) {
                bestMse = mse;
                iscale = iscaleIs;
            }
        }
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            int l = Math.min(nmax, nearestInt(iscale * x[i]));
            L[i] = l & 0xff;
            float w = qw[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        for (int itry = 0; itry < 5; ++itry) {
            int changed = 0;
            for (int i = 0; i < n; ++i) {
                float w = qw[i];
                float slx = sumlx - w * x[i] * L[i];
                float sl2 = suml2 - w * L[i] * L[i];
                if (slx > 0 && sl2 > 0) {
                    int newL = Math.min(nmax, nearestInt(x[i] * sl2 / slx));
                    if (newL != L[i]) {
                        slx += w * x[i] * newL;
                        sl2 += w * newL * newL;
                        if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                            L[i] = newL & 0xff;
                            sumlx = slx;
                            suml2 = sl2;
                            ++changed;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }
}
