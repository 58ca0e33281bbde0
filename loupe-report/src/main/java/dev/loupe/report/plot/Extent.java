package dev.loupe.report.plot;

/** Running min/max of the data on both axes, counting only the values the axis can show. */
public final class Extent {
    private final boolean logX;
    private final boolean logY;
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;

    Extent(boolean logX, boolean logY) {
        this.logX = logX;
        this.logY = logY;
    }

    public void x(double v) {
        if (Double.isFinite(v) && (!logX || v > 0)) {
            xMin = Math.min(xMin, v);
            xMax = Math.max(xMax, v);
        }
    }

    public void y(double v) {
        if (Double.isFinite(v) && (!logY || v > 0)) {
            yMin = Math.min(yMin, v);
            yMax = Math.max(yMax, v);
        }
    }
}
