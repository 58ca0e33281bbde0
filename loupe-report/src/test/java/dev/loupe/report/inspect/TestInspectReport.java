package dev.loupe.report.inspect;

import dev.loupe.report.plot.Svg;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.LayerSpectrum;
import dev.loupe.spectral.result.PowerLawFit;
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
    void rendersEmptyModelsAndFailedFits() {
        InspectResult empty = SampleInspectResults.encoder(0, null);
        assertEquals(0, empty.layers().size());
        assertTrue(InspectReport.render(empty).contains("</html>"));

        InspectResult one = SampleInspectResults.encoder(1, null);
        LayerMetrics m = one.layers().getFirst();
        LayerSpectrum s = one.spectra().getFirst();
        LayerMetrics failed = new LayerMetrics(m.layer(), PowerLawFit.failed(s.xmax()), m.norms(), Double.NaN, null,
                null, m.weights(), dev.loupe.spectral.result.Warning.FIT_FAILED, 0);
        LayerSpectrum noFit = new LayerSpectrum(s.name(), s.eigenvalues(), false, s.esdHistogram(), Double.NaN,
                Double.NaN, s.xmax(), Double.NaN, Double.NaN, Double.NaN, s.Q(), null, s.weightHistogram(), Double.NaN,
                Double.NaN, 0);
        List<LayerMetrics> layers = new ArrayList<>(one.layers());
        List<LayerSpectrum> spectra = new ArrayList<>(one.spectra());
        layers.set(0, failed);
        spectra.set(0, noFit);
        String html = InspectReport.render(new InspectResult(one.provenance(), one.summary(), layers, spectra,
                one.skipped()));
        Matcher svg = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        int found = 0;
        while (svg.find()) {
            Svg.parse(svg.group().replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" "));
            found++;
        }
        assertEquals(2 + 2 * layers.size(), found);
        assertFalse(html.contains("power law α = –")); // no fitted line is drawn for a failed fit
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
