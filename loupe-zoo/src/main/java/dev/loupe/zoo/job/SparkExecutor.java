package dev.loupe.zoo.job;

import dev.loupe.zoo.discover.FileKey;
import dev.loupe.zoo.result.ModelOutcome;
import dev.loupe.zoo.result.ZooColumn;
import dev.loupe.zoo.result.ZooSchema;
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

import java.nio.file.Path;
import java.util.List;

/**
 * The Spark path: one task per checkpoint (a partition each, so the scheduler balances big and small
 * files), results cached, then both tables written as Parquet by Spark itself. Writing from the
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
    public Counts run(List<FileKey> keys, String runId, String version, Path runDir) {
        SparkSession s = session();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(s.sparkContext());
        int n = Math.max(1, keys.size());
        JavaRDD<ModelOutcome> out = jsc.parallelize(keys, n).map(k -> ZooTask.analyze(k, runId, version))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            out.count(); // runs the analysis at full parallelism before the writes coalesce partitions
            int files = Math.max(1, (keys.size() + MODELS_PER_FILE - 1) / MODELS_PER_FILE);
            JavaRDD<Row> models = out.map(o -> RowFactory.create(o.model().toArray()));
            JavaRDD<Row> layers = out.flatMap(o -> o.layers().stream().map(r -> RowFactory.create(r.toArray())).iterator());
            s.createDataFrame(models, struct(ZooSchema.MODELS)).coalesce(files).write().mode(SaveMode.ErrorIfExists)
                    .parquet(runDir.resolve("models").toString());
            s.createDataFrame(layers, struct(ZooSchema.LAYERS)).coalesce(files).write().mode(SaveMode.ErrorIfExists)
                    .parquet(runDir.resolve("layers").toString());
            int failed = (int) out.filter(o -> !o.ok()).count();
            long layerRows = out.map(o -> (long) o.layers().size()).fold(0L, Long::sum);
            return new Counts(keys.size() - failed, failed, layerRows);
        } finally {
            out.unpersist(false);
        }
    }

    @Override
    public void start() {
        session();
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
            spark = b.getOrCreate();
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
