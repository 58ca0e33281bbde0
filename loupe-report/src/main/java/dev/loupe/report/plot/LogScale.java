package dev.loupe.report.plot;

import java.util.ArrayList;
import java.util.List;

/** A base-10 logarithmic axis. Decades get labelled major ticks (10⁻³, 10⁰, 10²…), 2..9 get minor ticks. */
public record LogScale(double min, double max) implements Scale {
    public LogScale {
        if (!(min > 0 && Double.isFinite(max)) || !(max > min)) {
            throw new IllegalArgumentException("bad log range " + min + ".." + max);
        }
    }

    /** The smallest range of whole decades covering the positive values {@code lo..hi}. */
    public static LogScale covering(double lo, double hi) {
        if (!(lo > 0 && hi > 0 && Double.isFinite(lo) && Double.isFinite(hi))) {
            return new LogScale(1, 10);
        }
        double a = Math.floor(Math.log10(lo) + 1e-12);
        double b = Math.ceil(Math.log10(hi) - 1e-12);
        if (b <= a) {
            b = a + 1;
        }
        return new LogScale(Math.pow(10, a), Math.pow(10, b));
    }

    @Override
    public double fraction(double v) {
        return (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
    }

    @Override
    public boolean accepts(double v) {
        return v > 0 && Double.isFinite(v);
    }

    @Override
    public List<Tick> ticks() {
        int lo = (int) Math.floor(Math.log10(min) + 1e-9);
        int hi = (int) Math.ceil(Math.log10(max) - 1e-9);
        int decades = hi - lo;
        // Many decades: label every k-th decade so labels never collide; minor ticks only when few decades.
        int every = Math.max(1, (int) Math.ceil(decades / 8.0));
        List<Tick> out = new ArrayList<>();
        for (int e = lo; e <= hi; e++) {
            double d = Math.pow(10, e);
            if (d >= min * (1 - 1e-9) && d <= max * (1 + 1e-9)) {
                boolean labelled = Math.floorMod(e, every) == 0;
                out.add(new Tick(d, labelled ? Ticks.power10(e) : "", labelled));
            }
            if (decades <= 6) {
                for (int m = 2; m <= 9; m++) {
                    double v = m * d;
                    if (v > min && v < max) {
                        out.add(new Tick(v, decades <= 1 && (m == 2 || m == 5) ? Ticks.format(v, v) : "", false));
                    }
                }
            }
        }
        return out;
    }
}
