package dev.loupe.report.plot;

import java.util.List;

/** Something drawn inside the plotting rectangle. Marks carry data coordinates; {@link Frame} maps them. */
public interface Mark {
    void draw(Frame frame, Canvas canvas);

    /** Adds the data range this mark wants visible (used when an axis range is not given). */
    void extent(Extent extent);

    /** Legend lines for this mark (empty when unlabelled). */
    List<LegendEntry> legend();
}
