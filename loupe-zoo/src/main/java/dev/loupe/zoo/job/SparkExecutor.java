package dev.loupe.zoo.job;

import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.zoo.result.ModelOutcome;
import dev.loupe.zoo.result.ZooColumn;
import dev.loupe.zoo.result.ZooSchema;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    private final String master;
    private SparkSession spark;

    SparkExecutor(String master) {
        this.master = master;
    }

    @Override
    public Counts run(List<ZooWork> work, String runId, String version, Path runDir, Progress progress) {
        SparkSession s = session();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(s.sparkContext());
        int n = Math.max(1, work.size());
        // A task gets the CPUs Spark gave it (spark.task.cpus, default 1) as BLAS threads: Spark already runs
        // one task per core, so each taking every core oversubscribed them (3.5 GB model split on local[2]:
        // 7:36 and 858 CPU-s before, 4:17 and 497 CPU-s after; loupe-zoo/README.md).
        JavaRDD<LayerPart> parts = jsc.parallelize(work, n)
                .map(w -> ZooTask.part(w, version, Math.max(1, TaskContext.get().cpus())))
                .persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<ModelOutcome> out = null;
        try {
            TaskCounter counter = new TaskCounter(progress);
            progress.start("zoo", work.size());
            s.sparkContext().addSparkListener(counter);
            try {
                parts.count(); // runs the analysis at full parallelism before the writes coalesce partitions
            } finally {
                s.sparkContext().removeSparkListener(counter);
                progress.done();
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
            s.createDataFrame(models, struct(ZooSchema.MODELS)).coalesce(files).write().mode(SaveMode.ErrorIfExists)
                    .parquet(runDir.resolve("models").toString());
            s.createDataFrame(layers, struct(ZooSchema.LAYERS)).coalesce(files).write().mode(SaveMode.ErrorIfExists)
                    .parquet(runDir.resolve("layers").toString());
            int failed = (int) out.filter(o -> !o.ok()).count();
            long layerRows = out.map(o -> (long) o.layers().size()).fold(0L, Long::sum);
            return new Counts(modelCount - failed, failed, layerRows);
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

    /**
     * Progress from the driver's listener bus: one unit per successfully finished task. Chosen over
     * collecting results incrementally (toLocalIterator runs partitions one job at a time, losing the
     * parallelism) and works unchanged on a cluster, since task-end events always reach the driver.
     * Registered only around the analysis job, so the Parquet writes do not count.
     */
    private static final class TaskCounter extends SparkListener {
        private final Progress progress;

        TaskCounter(Progress progress) {
            this.progress = progress;
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskInfo() != null && end.taskInfo().successful()) {
                progress.advance(1);
            }
        }
    }

    @Override
    public void start() {
        session();
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    private SparkSession session() {
        if (spark == null) {
            SparkSession.Builder b = SparkSession.builder().appName("loupe zoo").master(master)
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.session.timeZone", "UTC")
                    .config("spark.sql.debug.maxToStringFields", "200") // the layers table has ~70 columns
                    .config("spark.sql.parquet.compression.codec", "zstd");
            if (master.startsWith("local")) {
                // Stay on loopback: no hostname lookups, nothing listening on an external interface.
                b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
            }
            try {
                spark = b.getOrCreate();
            } catch (Exception e) { // Scala throws SparkException undeclared, so catch every Exception
                // Spark reports a bad or unreachable master as an exception with a long trace: one line instead.
                throw new LoupeException("Spark could not start on --master " + master + ": " + firstLine(e));
            }
        }
        return spark;
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
    }
}
