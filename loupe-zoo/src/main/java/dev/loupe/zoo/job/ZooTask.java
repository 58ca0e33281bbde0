package dev.loupe.zoo.job;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.analysis.Summaries;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.MetricColumns;
import dev.loupe.spectral.result.ModelSummary;
import dev.loupe.zoo.discover.FileKey;
import dev.loupe.zoo.result.ModelOutcome;
import dev.loupe.zoo.result.ZooColumn;
import dev.loupe.zoo.result.ZooSchema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One checkpoint's work: inspect it (or a range of its layers, {@link ZooWork}) with the defaults of
 * {@code loupe inspect} (one thread: the zoo parallelizes across tasks) and turn the result into
 * catalog rows. Any failure of the file
 * becomes an error row; it never escapes, so one corrupt file cannot stop a run.
 */
public final class ZooTask {
    private ZooTask() {
    }

    public static ModelOutcome analyze(FileKey key, String runId, String version) {
        return assemble(List.of(part(new ZooWork(key, 0, ZooWork.ALL), version, 0)), runId, version);
    }

    /**
     * Inspects the task's layers (all, or a range of a split checkpoint); errors become an error part.
     *
     * @param blasThreads native BLAS threads (see {@link Inspector#Inspector(dev.loupe.linalg.DenseBackend,
     *                    InspectOptions, int)}): 0 when tasks run one at a time, the task's CPUs when they run
     *                    side by side in one JVM (Spark)
     */
    public static LayerPart part(ZooWork w, String version, int blasThreads) {
        long t0 = System.nanoTime();
        checkVisible(w.key());
        try (Checkpoint cp = Checkpoints.open(Path.of(w.key().path()))) {
            Inspector in = new Inspector(Backends.best(), InspectOptions.defaults(), blasThreads);
            InspectResult r = w.whole() ? in.inspect(cp, Progress.NONE, version, false)
                    : in.inspectLayers(cp, w.from(), w.to(), Progress.NONE, version);
            return new LayerPart(w, r.provenance().format(), r.provenance().backend(), r.provenance().precision(),
                    r.skipped().size(), r.layers(), null, seconds(t0));
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // A hostile file may fail in ways readers did not foresee; record it, keep the run going.
            String msg = e instanceof LoupeException ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new LayerPart(w, "", "", "", 0, List.of(), msg, seconds(t0));
        }
    }

    /**
     * The file this task was planned for must be here as the driver saw it. A machine that cannot see it
     * (a missing mount, a stale copy) is no fact about the checkpoint: the task fails, so Spark retries it
     * on another executor, and no error row is recorded. A file the driver could not read either
     * (size -1) goes on, and its error row is recorded.
     */
    private static void checkVisible(FileKey key) {
        if (key.size() < 0 || key.path().endsWith(".index.json")) {
            return; // a shard index's size is the sum over its shards, checked when they are opened
        }
        Path p = Path.of(key.path());
        long size;
        try {
            size = Files.size(p);
        } catch (IOException e) {
            throw new FileNotVisibleException(p, "cannot be read here although the driver read it ("
                    + e.getClass().getSimpleName() + "); is the filesystem mounted at the same path on every worker?");
        }
        if (size != key.size()) {
            throw new FileNotVisibleException(p, "is " + size + " bytes here but " + key.size()
                    + " where the driver found it (changed since, or a different copy on this machine)");
        }
    }

    /**
     * One checkpoint's rows from all of its parts (any order): layers concatenated in layer order and
     * summarized with inspect's own {@link Summaries#of}, so a split checkpoint gives the same rows as
     * a whole one. Any failed part fails the checkpoint; {@code seconds} is the parts' summed task time.
     */
    public static ModelOutcome assemble(List<LayerPart> parts, String runId, String version) {
        List<LayerPart> ps = parts.stream().sorted(Comparator.comparingInt(p -> p.work().from())).toList();
        FileKey key = ps.getFirst().work().key();
        double seconds = ps.stream().mapToDouble(LayerPart::seconds).sum();
        for (LayerPart p : ps) {
            if (p.error() != null) {
                return new ModelOutcome(model(key, runId, version, "", "error", p.error(), seconds), List.of());
            }
        }
        List<LayerMetrics> layers = ps.stream().flatMap(p -> p.layers().stream()).toList();
        LayerPart first = ps.getFirst();
        ModelSummary s = Summaries.of(layers);
        List<Object> m = model(key, runId, version, first.format(), "ok", "", seconds);
        set(m, "layers", s.layers());
        set(m, "layers_with_fit", s.layersWithFit());
        set(m, "tensors_skipped", first.skipped());
        set(m, "parameters", s.parameters());
        set(m, "alpha", s.alpha());
        set(m, "alpha_weighted", s.alphaWeighted());
        set(m, "log_norm", s.logNorm());
        set(m, "log_alpha_norm", s.logAlphaNorm());
        set(m, "log_spectral_norm", s.logSpectralNorm());
        set(m, "stable_rank", s.stableRank());
        set(m, "mp_softrank", s.mpSoftrank());
        set(m, "pl_alpha_hill", s.plAlphaHill());
        set(m, "rand_distance", s.randDistance());
        set(m, "over_trained", s.overTrained());
        set(m, "under_trained", s.underTrained());
        set(m, "backend", first.backend());
        set(m, "precision", first.precision());
        List<List<Object>> rows = new ArrayList<>();
        for (LayerMetrics lm : layers) {
            rows.add(layerRow(key.path(), runId, lm));
        }
        return new ModelOutcome(m, rows);
    }

    /** inspect's CSV columns for one layer, typed for the catalog. */
    public static List<Object> layerRow(String path, String runId, LayerMetrics lm) {
        List<ZooColumn> cols = ZooSchema.LAYERS;
        List<Object> row = new ArrayList<>(cols.size());
        row.add(path);
        row.add(runId);
        int k = ZooSchema.LAYER_KEYS.size();
        for (int i = 0; i < MetricColumns.ALL.size(); i++) {
            ZooColumn c = cols.get(k + i);
            row.add(c.type().coerce(c.name(), MetricColumns.ALL.get(i).value().apply(lm)));
        }
        return row;
    }

    private static List<Object> model(FileKey key, String runId, String version, String format, String status, String error,
                                      double seconds) {
        List<Object> m = new ArrayList<>(Arrays.asList(new Object[ZooSchema.MODELS.size()]));
        set(m, "path", key.path());
        set(m, "file_name", key.fileName());
        set(m, "size_bytes", key.size());
        set(m, "head_hash", key.headHash());
        set(m, "format", format);
        set(m, "status", status);
        set(m, "error", error);
        set(m, "loupe_version", version);
        set(m, "run_id", runId);
        set(m, "analyzed_at", Instant.now().toString());
        set(m, "seconds", seconds);
        return m;
    }

    private static void set(List<Object> row, String column, Object v) {
        int i = ZooSchema.index(ZooSchema.MODELS, column);
        row.set(i, ZooSchema.MODELS.get(i).type().coerce(column, v));
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
