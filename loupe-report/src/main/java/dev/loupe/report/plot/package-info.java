/**
 * A compact chart kit that draws to SVG text (for inlining in the self-contained HTML report) and to
 * PNG (Java2D, headless) from one drawing code path.
 *
 * <p>Why not a library: JFreeChart 1.5.6 (+ JFreeSVG 5.0.7) and XChart 4.0.3 are on Maven Central and were
 * considered. JFreeChart has no contour plot any more and reaches SVG only through a Graphics2D
 * shim whose output is verbose, unstyled by the page and without per-mark hover titles; XChart has no
 * contour/heatmap-with-contours and log axes with decade-only labels need workarounds. Both would add
 * ~2 MB of jars to draw a few lines, dots and rectangles. The kit here is ~900 lines, produces small
 * semantic SVG (one element per mark, {@code <title>} tooltips, classes) and is easy to test exactly.
 */
package dev.loupe.report.plot;
