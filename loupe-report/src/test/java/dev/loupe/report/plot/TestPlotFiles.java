package dev.loupe.report.plot;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TestPlotFiles {
    @Test
    void writesSvgAndPngByExtension(@TempDir Path dir) throws Exception {
        Chart c = new Chart(320, 240).add(new Marks.Line("l", new double[]{0, 1}, new double[]{0, 1},
                Style.stroke(Palette.BLUE, 2)));
        PlotFiles.write(c, dir.resolve("a.svg"));
        PlotFiles.write(c, dir.resolve("a.png"));
        Svg.parse(Files.readString(dir.resolve("a.svg")));
        assertEquals(640, ImageIO.read(dir.resolve("a.png").toFile()).getWidth());
        assertThrows(LoupeException.class, () -> PlotFiles.write(c, dir.resolve("a.gif")));
    }
}
