package dev.loupe.cli.ensemble;

import dev.loupe.core.data.NpyWriter;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.ensemble.predict.Predictions;

import java.nio.file.Path;

/**
 * Stores an ensemble's predictions so they can be analysed again ({@code loupe ensemble -p DIR/*.npy}) or checked
 * independently: per member, {@code NAME.csv} with one predicted label per line and {@code NAME.npy} with the
 * float32 probabilities [n, k].
 */
public final class PredictionWriter {
    private PredictionWriter() {
    }

    /** The files {@link #write} writes for {@code p} into {@code dir}, so that a caller can check them first. */
    static java.util.List<Path> files(Path dir, Predictions p) {
        java.util.List<Path> out = new java.util.ArrayList<>();
        for (String name : p.members()) {
            out.add(dir.resolve(name + ".csv"));
            if (p.hasProbabilities()) {
                out.add(dir.resolve(name + ".npy"));
            }
        }
        return out;
    }

    static void write(Path dir, Predictions p) {
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
                    rows[i] = java.util.Arrays.copyOfRange(p.probabilities()[m], i * k, (i + 1) * k);
                }
                NpyWriter.write(dir.resolve(name + ".npy"), rows);
            }
        }
    }

    /** A directory name for an input set: "rotation 30.0°" -> "rotation-30.0". */
    static String dirName(String set) {
        return set.replaceAll("[^A-Za-z0-9.]+", "-").replaceAll("^-|-$", "");
    }
}
