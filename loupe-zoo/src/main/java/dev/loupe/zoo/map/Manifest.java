package dev.loupe.zoo.map;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Labels from a CSV manifest (plain comma-separated, header row, no quoted commas): a {@code file}
 * (or {@code path}) column, resolved against the manifest's directory, and a numeric label column.
 * A model is matched by absolute path, else by file name when that name is unique in the manifest.
 */
public final class Manifest {
    private final Map<String, Double> byPath = new HashMap<>();
    private final Map<String, Double> byName = new HashMap<>();

    private Manifest() {
    }

    public static Manifest read(Path csv, String label) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new LoupeException(csv, "cannot read manifest: " + e.getMessage());
        }
        if (lines.isEmpty()) {
            throw new LoupeException(csv, "empty manifest");
        }
        List<String> header = Arrays.stream(lines.get(0).split(",", -1)).map(String::strip).toList();
        int fc = header.indexOf("file") >= 0 ? header.indexOf("file") : header.indexOf("path");
        int lc = header.indexOf(label);
        if (fc < 0) {
            throw new LoupeException(csv, "manifest needs a 'file' or 'path' column; has " + header);
        }
        if (lc < 0) {
            throw new LoupeException(csv, "no label column '" + label + "'; columns are " + header);
        }
        Manifest m = new Manifest();
        Map<String, Integer> names = new HashMap<>();
        Path base = csv.toAbsolutePath().getParent();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != header.size()) {
                throw new LoupeException(csv, "line " + (i + 1) + " has " + cells.length + " cells, header has " + header.size());
            }
            double v;
            try {
                v = Double.parseDouble(cells[lc].strip());
            } catch (NumberFormatException e) {
                throw new LoupeException(csv, "line " + (i + 1) + ": label '" + cells[lc] + "' is not a number");
            }
            Path f = base.resolve(cells[fc].strip()).normalize();
            m.byPath.put(f.toString(), v);
            String name = f.getFileName().toString();
            m.byName.put(name, v);
            names.merge(name, 1, Integer::sum);
        }
        names.forEach((n, c) -> {
            if (c > 1) {
                m.byName.remove(n);
            }
        });
        return m;
    }

    public Optional<Double> label(String absolutePath) {
        Double v = byPath.get(absolutePath);
        if (v == null) {
            v = byName.get(Path.of(absolutePath).getFileName().toString());
        }
        return Optional.ofNullable(v);
    }
}
