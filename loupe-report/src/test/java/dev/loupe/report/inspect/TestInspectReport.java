package dev.loupe.report.inspect;

import dev.loupe.report.plot.Svg;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestInspectReport {
    private static final String EVIL = "<script>alert('x')</script>&\"layer\"";

    @Test
    void reportIsSelfContainedAndEscapesLayerNames() {
        InspectResult r = SampleInspectResults.encoder(2, EVIL);
        String html = InspectReport.render(r);
        assertFalse(html.contains("http://"));
        assertFalse(html.contains("https://"));
        assertFalse(html.contains("<link"));
        assertFalse(html.contains("<img"));
        assertFalse(html.contains("alert('x')"));
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assertEquals(1, count(html, "<script>")); // only the report's own sorting script
        assertFalse(html.contains("<b>not bold</b>"));
    }

    @Test
    void everyInlineSvgIsWellFormedAndLayersAreAllThere() {
        InspectResult r = SampleInspectResults.encoder(3, EVIL);
        int n = r.layers().size();
        String html = InspectReport.render(r);
        List<String> svgs = new ArrayList<>();
        Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            svgs.add(m.group());
        }
        assertEquals(2 + 2 * n, svgs.size()); // α and quantization charts, then ESD + weights per layer
        for (String svg : svgs) {
            Svg.parse(svg.replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" "));
        }
        Document alpha = Svg.parse(svgs.getFirst());
        assertEquals(n, Svg.inGroup(alpha, "marks", "rect").size());
        assertEquals(n, count(html, "<figure data-tag") + count(html, "<figure><div class=\"fig-head\">"));
        assertEquals(2, count(html, "data-tag=\"flagged\"")); // one over-, one under-trained sample layer
    }

    @Test
    void tableHasARowPerLayerWithExactAlphaSortKeys() {
        InspectResult r = SampleInspectResults.encoder(2, null);
        String html = InspectReport.render(r);
        String table = html.substring(html.indexOf("<table"), html.indexOf("</table>"));
        assertEquals(r.layers().size(), count(table, "<tr>") - 1);
        for (LayerMetrics lm : r.layers()) {
            assertTrue(table.contains("data-v=\"" + lm.alpha() + "\""), lm.name());
        }
    }

    @Test
    void writeIsAtomicAndLeavesOnlyTheReport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("r.html");
        InspectReport.write(SampleInspectResults.encoder(1, null), out);
        assertTrue(Files.readString(out).startsWith("<!DOCTYPE html>"));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    private static int count(String s, String what) {
        int c = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            c++;
        }
        return c;
    }
}
