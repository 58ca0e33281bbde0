package dev.loupe.zoo.job;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.zoo.discover.FileKey;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One task of a zoo run: layers {@code [from, to)} of one checkpoint ({@code [0, MAX)} = all of it).
 *
 * @param key   the checkpoint
 * @param from  first layer index
 * @param to    one past the last layer index, {@link #ALL} for the whole checkpoint
 */
public record ZooWork(FileKey key, int from, int to) implements Serializable {
    public static final int ALL = Integer.MAX_VALUE;

    /** The default {@code --split-above}: checkpoints larger than 2 GiB are analyzed one task per layer. */
    public static final long DEFAULT_SPLIT_ABOVE = 2L << 30;

    public boolean whole() {
        return from == 0 && to == ALL;
    }

    /**
     * The tasks for some checkpoints: one per checkpoint, but one per layer for checkpoints larger than
     * {@code splitAbove} bytes (a multi-GB model would otherwise be one long task on one core). Splitting
     * needs the layer count, so those files' headers are read here, on the driver; a file that cannot
     * be opened stays one task, which records its error.
     */
    public static List<ZooWork> plan(List<FileKey> keys, long splitAbove) {
        List<ZooWork> out = new ArrayList<>(keys.size());
        for (FileKey k : keys) {
            int n = k.size() > splitAbove ? layerCount(k) : 0;
            if (n > 1) {
                for (int i = 0; i < n; i++) {
                    out.add(new ZooWork(k, i, i + 1));
                }
            } else {
                out.add(new ZooWork(k, 0, ALL));
            }
        }
        return out;
    }

    /** Bytes of the largest task: a whole checkpoint's size, or a split one's size over its tasks. */
    public static long largestTaskBytes(List<ZooWork> work) {
        Map<FileKey, Integer> tasks = new HashMap<>();
        work.forEach(w -> tasks.merge(w.key(), 1, Integer::sum));
        return tasks.entrySet().stream().mapToLong(e -> Math.max(0, e.getKey().size()) / e.getValue()).max().orElse(0);
    }

    private static int layerCount(FileKey k) {
        try (Checkpoint cp = Checkpoints.open(Path.of(k.path()))) {
            return new Inspector(Backends.best(), InspectOptions.defaults()).layerCount(cp);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            return 0; // analyzed whole, so the task records the error
        }
    }
}
