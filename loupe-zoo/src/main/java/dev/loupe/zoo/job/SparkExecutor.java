package dev.loupe.zoo.job;

import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.zoo.result.Failure;
import dev.loupe.zoo.result.ModelOutcome;
import dev.loupe.zoo.result.ZooColumn;
import dev.loupe.zoo.result.ZooSchema;
import dev.loupe.zoo.spark.SparkFaults;
import dev.loupe.zoo.spark.SparkSettings;
import dev.loupe.zoo.spark.TaskWatch;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Spark path: one task per {@link ZooWork} (a partition each, so the scheduler balances big and
 * small files; a checkpoint above {@code --split-above} is one task per layer, its parts grouped back
 * into one model afterwards), results cached, then both tables written as Parquet by Spark itself. Writing from the
 * executors, not the driver, is what lets a cluster run scale; the cache keeps the analysis from
 * running twice for the two tables.
 */
final class SparkExecutor implements ZooExecutor {
    /** Rows per output file: a few files per run, not one per checkpoint. */
    private static final int MODELS_PER_FILE = 500;

    /** Serializable: takeOrdered ships its comparator to the executors. */
    private static final Comparator<Failure> BY_PATH = (Comparator<Failure> & Serializable) (a, b) -> a.path().compareTo(b.path());

    private final String master;
    private final SparkSettings settings;
    private final Consumer<String> say;
    private SparkSession spark;
    private Path jarDir;

    SparkExecutor(String master, SparkSettings settings, Consumer<String> say) {
        this.master = master;
        this.settings = settings;
        this.say = say;
    }

    @Override
    public Counts run(List<ZooWork> work, String runId, String version, Path runDir, Progress progress) {
        SparkSession s = session(ZooWork.largestTaskBytes(work));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(s.sparkContext());
        int n = Math.max(1, work.size());
        // A task gets the CPUs Spark gave it (spark.task.cpus, default 1) as BLAS threads: Spark already runs
        // one task per core, so each taking every core oversubscribed them (3.5 GB model split on local[2]:
        // 7:36 and 858 CPU-s before, 4:17 and 497 CPU-s after; loupe-zoo/README.md).
        JavaRDD<LayerPart> parts = jsc.parallelize(work, n)
                .map(w -> ZooTask.part(w, version, Math.max(1, TaskContext.get().cpus())))
                .persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<ModelOutcome> out = null;
        TaskWatch watch = null;
        try {
            progress.start("zoo", work.size());
            watch = new TaskWatch(s.sparkContext(), progress, !SparkSettings.isLocal(master));
            try {
                parts.count(); // runs the analysis at full parallelism before the writes coalesce partitions
            } finally {
                watch.close();
            }
            boolean split = work.stream().anyMatch(w -> !w.whole());
            // Only a split checkpoint needs its parts brought together (a shuffle); whole ones map 1:1.
            out = (split ? parts.groupBy(p -> p.work().key()).values().map(ps -> assemble(ps, runId, version))
                    : parts.map(p -> ZooTask.assemble(List.of(p), runId, version)))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            int modelCount = (int) out.count();
            int files = Math.max(1, (modelCount + MODELS_PER_FILE - 1) / MODELS_PER_FILE);
            JavaRDD<Row> models = out.map(o -> RowFactory.create(o.model().toArray()));
            JavaRDD<Row> layers = out.flatMap(o -> o.layers().stream().map(r -> RowFactory.create(r.toArray())).iterator());
            // An explicit file: URI: on a cluster whose default filesystem is HDFS a bare path would go there.
            s.createDataFrame(models, struct(ZooSchema.MODELS)).coalesce(files).write().mode(SaveMode.ErrorIfExists)
                    .parquet(runDir.resolve("models").toUri().toString());
            s.createDataFrame(layers, struct(ZooSchema.LAYERS)).coalesce(files).write().mode(SaveMode.ErrorIfExists)
                    .parquet(runDir.resolve("layers").toUri().toString());
            JavaRDD<ModelOutcome> bad = out.filter(o -> !o.ok());
            int failed = (int) bad.count();
            List<Failure> first = bad.map(o -> new Failure((String) o.get("path"), (String) o.get("error")))
                    .takeOrdered(Math.min(failed, FAILURES_KEPT), BY_PATH)
                    .stream().toList();
            long layerRows = out.map(o -> (long) o.layers().size()).fold(0L, Long::sum);
            return new Counts(modelCount - failed, failed, layerRows, first, watch.failedAttempts(), watch.firstFailure());
        } catch (Exception e) { // Spark throws SparkException undeclared
            if (watch != null && watch.lost() != null) {
                throw new LoupeException("Spark job on " + master + " stopped: " + watch.lost());
            }
            throw SparkFaults.failed(master, e);
        } finally {
            if (out != null) {
                out.unpersist(false);
            }
            parts.unpersist(false);
        }
    }

    private static ModelOutcome assemble(Iterable<LayerPart> parts, String runId, String version) {
        List<LayerPart> ps = new ArrayList<>();
        parts.forEach(ps::add);
        return ZooTask.assemble(ps, runId, version);
    }

    @Override
    public void start(JobSize size) {
        session(size.largestTaskBytes());
    }

    private SparkSession session(long largestTaskBytes) {
        if (spark == null) {
            if (master.startsWith("spark://")) {
                SparkFaults.checkReachable(master);
            }
            SparkSession.Builder b = SparkSession.builder().appName("loupe zoo").master(master);
            jarDir = tempDir();
            List<String> notes = new ArrayList<>(); // said once Spark started: a master it refuses is the only line
            settings.forSession(master, largestTaskBytes, jarDir, notes::add).forEach(b::config);
            try {
                spark = b.getOrCreate();
            } catch (Exception e) { // Scala throws SparkException undeclared, so catch every Exception
                // Spark reports a bad or unreachable master as an exception with a long trace: one line instead.
                throw new LoupeException("Spark could not start on --master " + master + ": " + SparkFaults.firstLine(e));
            }
            notes.forEach(say);
            if (!SparkSettings.isLocal(master)) {
                SparkFaults.awaitExecutors(spark.sparkContext(), master);
                say.accept("executors: " + SparkFaults.javaVersions(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                        master));
            }
        }
        return spark;
    }

    private static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("loupe-spark-jars");
            d.toFile().deleteOnExit();
            return d;
        } catch (java.io.IOException e) {
            throw new LoupeException("cannot create a temporary folder for the executors' jars: " + e.getMessage());
        }
    }

    static StructType struct(List<ZooColumn> cols) {
        StructField[] f = new StructField[cols.size()];
        for (int i = 0; i < f.length; i++) {
            DataType t = switch (cols.get(i).type()) {
                case STRING -> DataTypes.StringType;
                case LONG -> DataTypes.LongType;
                case DOUBLE -> DataTypes.DoubleType;
            };
            f[i] = DataTypes.createStructField(cols.get(i).name(), t, true);
        }
        return DataTypes.createStructType(f);
    }

    @Override
    public String master() {
        return master;
    }

    @Override
    public void close() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
        if (jarDir != null) {
            try (var files = Files.list(jarDir)) {
                files.forEach(f -> f.toFile().delete());
            } catch (java.io.IOException e) {
                // a temporary folder left behind is harmless
            }
            jarDir.toFile().delete();
            jarDir = null;
        }
    }
}
