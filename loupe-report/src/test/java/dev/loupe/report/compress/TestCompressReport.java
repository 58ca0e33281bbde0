package dev.loupe.report.compress;

import dev.loupe.compress.Method;
import dev.loupe.compress.Mode;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.result.CompressionReport;
import dev.loupe.compress.result.EvalResult;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.report.plot.Svg;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestCompressReport {
    private static final String EVIL = "<script>alert('x')</script>&\"fc\"";

    /** A hand-made alpha pruning run: 4 layers, the larger alpha the higher the sparsity. */
    static CompressionReport pruned(String firstName) {
        List<LayerResult> layers = List.of(
                new LayerResult(firstName, "/fc1/MatMul", 1000, 2.5, 0.40, 0.40, 32, 0.21),
                new LayerResult("fc2.weight", "", 3000, 3.5, 0.50, 0.50, 32, 0.3),
                new LayerResult("fc3.weight", "", 500, 4.5, 0.60, 0.60, 32, 0.41),
                new LayerResult("head.weight", "", 100, 6.0, 0.80, 0.80, 32, 0.73));
        List<CompressionReport.MemoryRow> memory = List.of(
                new CompressionReport.MemoryRow("laptop-cpu", 60, 1, 1, 20_000, 20_000, 9_200, 0.46, 0.46, 3.3e-7, 3.3e-7, "memory"),
                new CompressionReport.MemoryRow("a100", 1935, 312, 1, 20_000, 20_000, 9_200, 0.46, 0.46, 1.03e-8, 1.03e-8, "memory"));
        return new CompressionReport("/models/mlp.onnx", "/tmp/mlp-pruned.onnx", Mode.PRUNE, Method.MAGNITUDE, AllocationMethod.ALPHA, 0.5,
                0.5, layers, 4600, 19_000, 19_000, memory, List.of("zeros are stored densely"),
                new EvalResult(EvalResult.Kind.CLASSIFIER, 2000, 0.85, 0.83, 0.42, 0.47, Double.NaN));
    }

    @Test
    void pageIsSelfContainedAndEscapesNames() {
        String html = CompressReport.render(pruned(EVIL));
        assertFalse(html.contains("http://"));
        assertFalse(html.contains("https://"));
        assertFalse(html.contains("<link"));
        assertFalse(html.contains("<img"));
        assertFalse(html.contains("alert('x')"));
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assertEquals(1, count(html, "<script>")); // the page's own sorting script
    }

    @Test
    void oneBarPerLayerWithHeightsProportionalToSparsityAndAlphaDots() {
        CompressionReport r = pruned(EVIL);
        List<String> svgs = svgs(CompressReport.render(r));
        assertEquals(2, svgs.size()); // sparsity bars, then the alpha dots
        Document bars = Svg.parse(svgs.getFirst());
        List<Element> rects = Svg.inGroup(bars, "marks", "rect");
        assertEquals(r.layers().size(), rects.size());
        // y runs 0..1, so each bar's height over the first one's is the ratio of the sparsities
        double h0 = Svg.num(rects.getFirst(), "height");
        for (int i = 0; i < rects.size(); i++) {
            assertEquals(r.layers().get(i).sparsity() / 0.40, Svg.num(rects.get(i), "height") / h0, 1e-3);
        }
        Document dots = Svg.parse(svgs.get(1));
        assertEquals(r.layers().size(), Svg.inGroup(dots, "marks", "circle").size());
    }

    @Test
    void noMetricChartWhenTheAllocationReadNone() {
        CompressionReport a = pruned("fc1.weight");
        List<LayerResult> flat = new ArrayList<>();
        for (LayerResult l : a.layers()) {
            flat.add(new LayerResult(l.name(), l.node(), l.params(), Double.NaN, 0.5, 0.5, 32, l.relativeError()));
        }
        CompressionReport u = new CompressionReport(a.source(), null, Mode.PRUNE, Method.MAGNITUDE, AllocationMethod.UNIFORM, 0.5, 0.5, flat,
                a.paramsInLayers(), a.bytesBefore(), a.bytesAfter(), a.memory(), List.of(), null);
        String html = CompressReport.render(u);
        assertEquals(1, svgs(html).size());
        assertTrue(html.contains("dry run"));
    }

    @Test
    void tablesCarryTheRecordsExactValues() {
        CompressionReport r = pruned("fc1.weight");
        String html = CompressReport.render(r);
        List<String> tables = new ArrayList<>();
        Matcher m = Pattern.compile("<table.*?</table>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            tables.add(m.group());
        }
        assertEquals(2, tables.size());
        String memory = tables.get(0);
        String alloc = tables.get(1);
        assertEquals(r.memory().size(), count(memory, "<tr>") - 1);
        for (CompressionReport.MemoryRow row : r.memory()) {
            assertTrue(memory.contains(">" + row.profile() + "<"));
            assertTrue(memory.contains("data-v=\"" + row.bandwidthGBps() + "\""), row.profile());
            assertTrue(memory.contains("data-v=\"" + row.secondsBefore() * 1e6 + "\""), row.profile());
        }
        assertEquals(r.layers().size(), count(alloc, "<tr>") - 1);
        for (LayerResult l : r.layers()) {
            for (double v : new double[] {l.params(), l.metric(), l.target(), l.sparsity(), l.relativeError()}) {
                assertTrue(alloc.contains("data-v=\"" + v + "\""), l.name() + " " + v);
            }
        }
        // 4 decimals shown for sparsities: 0.6 is "0.6000"
        assertTrue(alloc.contains(">0.6000<"));
        // eval card: before → after as given
        assertTrue(html.contains("0.8500 → 0.8300"));
    }

    @Test
    void quantizedRunDrawsBitsAndEncoderCosine() {
        List<LayerResult> layers = List.of(new LayerResult("a", "", 4096, 1e-3, 8, 0, 8, 0.004),
                new LayerResult("b", "", 4096, 2e-2, 4, 0, 4, 0.07), new LayerResult("c", "", 8192, 5e-2, 3, 0, 3, 0.15));
        CompressionReport q = new CompressionReport("m.onnx", "q.onnx", Mode.QUANTIZE, Method.RTN, AllocationMethod.KNAPSACK, 4.5, 4.5,
                layers, 16384, 100_000, 40_000, List.of(), List.of(), new EvalResult(EvalResult.Kind.ENCODER, 821, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, 0.991));
        String html = CompressReport.render(q);
        List<String> svgs = svgs(html);
        Document bars = Svg.parse(svgs.getFirst());
        List<Element> rects = Svg.inGroup(bars, "marks", "rect");
        assertEquals(3, rects.size());
        assertEquals(4.0 / 8, Svg.num(rects.get(1), "height") / Svg.num(rects.get(0), "height"), 1e-3);
        assertEquals(3.0 / 8, Svg.num(rects.get(2), "height") / Svg.num(rects.get(0), "height"), 1e-3);
        assertTrue(html.contains("0.9910"));
        assertTrue(html.contains("40.0 % of 97.7 KB")); // 40,000 of 100,000 bytes (97.7 KiB)
    }

    private static List<String> svgs(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            Svg.parse(m.group().replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" "));
            out.add(m.group().replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" "));
        }
        return out;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
