/**
 * A compact chart kit that draws to SVG text (for inlining in the self-contained HTML report) and to
 * PNG (Java2D, headless) from one drawing code path.
 *
 * <p>Why not a library: JFreeChart 1.5.6 (+ JFreeSVG 5.0.7 for SVG) and XChart 4.0.3 are maintained on
 * Maven Central and were considered, not adopted. JFreeChart 1.5 no longer has a contour plot (the old
 * ContourPlot was removed), and both reach SVG through a Graphics2D recorder, which writes presentation
 * attributes and font specifications on every element; inlined 80 times in one page that is large, and
 * it cannot share the page's fonts. What the reports need is a few primitives (lines, dots, rectangles,
 * polygons, text) on linear/log axes, so a small kit was faster to write than to bend a chart library:
 * it emits compact SVG (grid as one path, a histogram as one polygon, {@code <title>} tooltips per
 * mark, CSS classes per group) and its geometry is exposed ({@link dev.loupe.report.plot.Chart#frame()})
 * so tests check pixel positions against formulas.
 */
package dev.loupe.report.plot;
