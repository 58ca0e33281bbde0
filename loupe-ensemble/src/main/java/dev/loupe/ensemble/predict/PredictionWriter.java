package dev.loupe.ensemble.predict;

import dev.loupe.core.data.NpyWriter;
import dev.loupe.core.io.AtomicOutput;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores an ensemble's predictions as {@link PredictionFiles} reads them back ({@code loupe ensemble -p DIR/*.npy}),
 * or for an independent check: one folder per input set ({@code in-distribution}, then each shifted set under a
 * file-safe form of its name), and in it per member {@code NAME.csv} with one predicted label per line and
 * {@code NAME.npy} with the float32 probabilities [n, k].
 */
public final class PredictionWriter {
    /** The folder of the unshifted inputs. */
    public static final String IN_DISTRIBUTION = "in-distribution";

    private PredictionWriter() {
    }

    /** The files {@link #write} writes under {@code root}, so that a caller can check them first. */
    public static List<Path> files(Path root, Predictions in, Map<String, Predictions> shifted) {
        List<Path> out = new ArrayList<>();
        sets(root, in, shifted).forEach((dir, p) -> {
            for (String name : p.members()) {
                out.add(dir.resolve(name + ".csv"));
                if (p.hasProbabilities()) {
                    out.add(dir.resolve(name + ".npy"));
                }
            }
        });
        return out;
    }

    /** Writes every input set's predictions under {@code root}, each file atomically. */
    public static void write(Path root, Predictions in, Map<String, Predictions> shifted) {
        sets(root, in, shifted).forEach(PredictionWriter::write);
    }

    private static Map<Path, Predictions> sets(Path root, Predictions in, Map<String, Predictions> shifted) {
        Map<Path, Predictions> out = new LinkedHashMap<>();
        out.put(root.resolve(IN_DISTRIBUTION), in);
        shifted.forEach((name, p) -> out.put(root.resolve(dirName(name)), p));
        return out;
    }

    private static void write(Path dir, Predictions p) {
        int k = p.classes();
        for (int m = 0; m < p.memberCount(); m++) {
            String name = p.members().get(m);
            StringBuilder sb = new StringBuilder(p.sampleCount() * 3);
            for (int label : p.labels()[m]) {
                sb.append(label).append('\n');
            }
            AtomicOutput.writeString(dir.resolve(name + ".csv"), sb.toString());
            if (p.hasProbabilities()) {
                float[][] rows = new float[p.sampleCount()][];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = Arrays.copyOfRange(p.probabilities()[m], i * k, (i + 1) * k);
                }
                NpyWriter.write(dir.resolve(name + ".npy"), rows);
            }
        }
    }

    /** A folder name for an input set: "rotation 30.0°" -> "rotation-30.0". */
    static String dirName(String set) {
        return set.replaceAll("[^A-Za-z0-9.]+", "-").replaceAll("^-|-$", "");
    }
}
