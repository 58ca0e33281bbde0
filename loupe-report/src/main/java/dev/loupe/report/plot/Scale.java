package dev.loupe.report.plot;

import java.util.List;

/** Maps data values on one axis to the unit interval [0, 1] and proposes ticks for it. */
public sealed interface Scale permits LinearScale, LogScale {
    double min();

    double max();

    /** Fraction of the axis length at which {@code v} sits (0 at min, 1 at max; may fall outside). */
    double fraction(double v);

    /** Whether {@code v} can be placed on this scale at all (log scales refuse v ≤ 0 and NaN). */
    boolean accepts(double v);

    List<Tick> ticks();
}
