package dev.loupe.report.plot;

import dev.loupe.core.LoupeException;
import dev.loupe.core.io.AtomicOutput;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/** Writes a chart as a standalone file, atomically; the format follows the extension (.svg or .png). */
public final class PlotFiles {
    /** PNGs are drawn at twice the nominal size so that text stays crisp on high-density screens. */
    public static final double PNG_SCALE = 2;

    private PlotFiles() {
    }

    public static void write(Chart chart, Path out) {
        write(out, chart::toSvg, chart::toPng);
    }

    public static void write(SurfacePlot plot, Path out) {
        write(out, plot::toSvg, plot::toPng);
    }

    private static void write(Path out, java.util.function.Supplier<String> svgOf,
                              java.util.function.DoubleFunction<byte[]> pngOf) {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg")) {
            byte[] svg = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svgOf.get() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            AtomicOutput.write(out, o -> o.write(svg));
        } else if (name.endsWith(".png")) {
            byte[] png = pngOf.apply(PNG_SCALE);
            AtomicOutput.write(out, o -> o.write(png));
        } else {
            throw new LoupeException(out, "unknown plot format: use a .svg or .png file name");
        }
    }
}
