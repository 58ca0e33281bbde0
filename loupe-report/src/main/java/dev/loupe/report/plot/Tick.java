package dev.loupe.report.plot;

/** A tick on an axis: value, label (empty for minor ticks), and whether it gets a grid line and a label. */
public record Tick(double value, String label, boolean major) {
}
