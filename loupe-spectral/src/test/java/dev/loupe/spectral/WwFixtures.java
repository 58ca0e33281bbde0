package dev.loupe.spectral;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the WeightWatcher fixtures in src/test/resources/ww (see PROVENANCE.md there). */
public final class WwFixtures {
    private WwFixtures() {
    }

    /** Rows of a WeightWatcher CSV keyed by column name (no quoted commas occur in these files). */
    public static List<Map<String, String>> csv(String resource) {
        String[] lines = text(resource).split("\n");
        String[] head = lines[0].split(",", -1);
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] cells = lines[i].split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < head.length; c++) {
                row.put(head[c], c < cells.length ? cells[c] : "");
            }
            out.add(row);
        }
        return out;
    }

    /** WeightWatcher's eigenvalues per layer key, in file order (ascending). */
    public static Map<String, double[]> evals(String resource) {
        Map<String, List<Double>> acc = new LinkedHashMap<>();
        String[] lines = text(resource).split("\n");
        for (int i = 1; i < lines.length; i++) {
            int comma = lines[i].lastIndexOf(',');
            acc.computeIfAbsent(lines[i].substring(0, comma), k -> new ArrayList<>())
                    .add(Double.parseDouble(lines[i].substring(comma + 1)));
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        acc.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).sorted().toArray()));
        return out;
    }

    public static double num(Map<String, String> row, String col) {
        String v = row.get(col);
        return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    public static Path path(String resource) {
        try {
            return Path.of(WwFixtures.class.getResource("/ww/" + resource).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(String resource) {
        try (InputStream in = WwFixtures.class.getResourceAsStream("/ww/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
