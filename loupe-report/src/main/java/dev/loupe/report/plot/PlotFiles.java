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
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg")) {
            byte[] svg = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart.toSvg() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            AtomicOutput.write(out, o -> o.write(svg));
        } else if (name.endsWith(".png")) {
            byte[] png = chart.toPng(PNG_SCALE);
            AtomicOutput.write(out, o -> o.write(png));
        } else {
            throw new LoupeException(out, "unknown plot format: use a .svg or .png file name");
        }
    }
}
