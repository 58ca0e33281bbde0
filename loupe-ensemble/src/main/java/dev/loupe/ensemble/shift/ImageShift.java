package dev.loupe.ensemble.shift;

import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Dataset;

import java.util.Random;

/**
 * Shifted copies of an image dataset (labels kept). Images are the last two dimensions of each example, so
 * {@code [28, 28]} and {@code [1, 28, 28]} both work. The input is never modified.
 */
public sealed interface ImageShift {
    /** Name used in reports, e.g. "gaussian noise 0.25" or "rotation 30°". */
    String name();

    Dataset apply(Dataset data);

    /** Whether this shift means anything on {@code data} (a rotation needs 2-D images, not flat vectors). */
    default boolean appliesTo(Dataset data) {
        return true;
    }

    /** Adds N(0, (sigma·range)²) per pixel, range = max − min of the data, then clamps to [min, max]. Seeded. */
    record GaussianNoise(double sigma, long seed) implements ImageShift {
        public String name() {
            return "gaussian noise " + sigma;
        }

        public Dataset apply(Dataset data) {
            float[] x = data.features();
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float v : x) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double scale = sigma * (max - min);
            Random r = new Random(seed);
            float[] out = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = (float) Math.clamp(x[i] + scale * r.nextGaussian(), min, max);
            }
            return new Dataset(data.source(), data.exampleShape(), out, data.labels(), data.labelSource());
        }
    }

    /** Rotates every image by {@code degrees} about its center (counter-clockwise as displayed, y pointing down): bilinear, background filled with the data minimum. */
    record Rotation(double degrees) implements ImageShift {
        public String name() {
            return "rotation " + degrees + "°";
        }

        @Override
        public boolean appliesTo(Dataset data) {
            return data.exampleShape().length >= 2;
        }

        public Dataset apply(Dataset data) {
            long[] shape = data.exampleShape();
            if (shape.length < 2) {
                throw new LoupeException(data.source(), "rotation needs image examples (at least 2 dimensions), got 1");
            }
            int h = (int) shape[shape.length - 2];
            int w = (int) shape[shape.length - 1];
            float[] x = data.features();
            float fill = Float.POSITIVE_INFINITY;
            for (float v : x) {
                fill = Math.min(fill, v);
            }
            float[] out = new float[x.length];
            double a = Math.toRadians(degrees);
            double cos = Math.cos(a);
            double sin = Math.sin(a);
            double cy = (h - 1) / 2.0;
            double cx = (w - 1) / 2.0;
            int planes = x.length / (h * w);
            for (int p = 0; p < planes; p++) {
                int off = p * h * w;
                for (int yy = 0; yy < h; yy++) {
                    for (int xx = 0; xx < w; xx++) {
                        // inverse map: the source pixel that lands on (yy, xx)
                        double dx = xx - cx;
                        double dy = yy - cy;
                        double sx = cos * dx - sin * dy + cx;
                        double sy = sin * dx + cos * dy + cy;
                        out[off + yy * w + xx] = bilinear(x, off, h, w, sy, sx, fill);
                    }
                }
            }
            return new Dataset(data.source(), shape, out, data.labels(), data.labelSource());
        }

        private static float bilinear(float[] x, int off, int h, int w, double sy, double sx, float fill) {
            int y0 = (int) Math.floor(sy);
            int x0 = (int) Math.floor(sx);
            double fy = sy - y0;
            double fx = sx - x0;
            double v = (1 - fy) * ((1 - fx) * at(x, off, h, w, y0, x0, fill) + fx * at(x, off, h, w, y0, x0 + 1, fill))
                    + fy * ((1 - fx) * at(x, off, h, w, y0 + 1, x0, fill) + fx * at(x, off, h, w, y0 + 1, x0 + 1, fill));
            return (float) v;
        }

        private static float at(float[] x, int off, int h, int w, int y, int xx, float fill) {
            return y < 0 || y >= h || xx < 0 || xx >= w ? fill : x[off + y * w + xx];
        }
    }
}
