package dev.loupe.report.plot;

import java.util.ArrayList;
import java.util.List;

/** An ordinary linear axis from {@code min} to {@code max}, with "nice" ticks (1, 2, 5 × 10^k steps). */
public record LinearScale(double min, double max) implements Scale {
    public LinearScale {
        if (!(Double.isFinite(min) && Double.isFinite(max)) || !(max > min)) {
            throw new IllegalArgumentException("bad linear range " + min + ".." + max);
        }
    }

    /** A range covering {@code lo..hi} padded by a small margin and rounded outward to nice values. */
    public static LinearScale covering(double lo, double hi) {
        if (!(Double.isFinite(lo) && Double.isFinite(hi))) {
            return new LinearScale(0, 1);
        }
        if (hi <= lo) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            return new LinearScale(lo - pad, hi + pad);
        }
        double step = Ticks.niceStep((hi - lo) / 5);
        return new LinearScale(Math.floor(lo / step) * step, Math.ceil(hi / step) * step);
    }

    @Override
    public double fraction(double v) {
        return (v - min) / (max - min);
    }

    @Override
    public boolean accepts(double v) {
        return Double.isFinite(v);
    }

    @Override
    public List<Tick> ticks() {
        double step = Ticks.niceStep((max - min) / 5);
        List<Tick> out = new ArrayList<>();
        double first = Math.ceil(min / step - 1e-9) * step;
        for (int i = 0; ; i++) {
            double v = first + i * step;
            if (v > max + step * 1e-9 || i > 100) {
                break;
            }
            if (Math.abs(v) < step * 1e-9) {
                v = 0; // avoid "-0" and 1e-17 labels
            }
            out.add(new Tick(v, Ticks.format(v, step), true));
        }
        return out;
    }
}
