package dev.loupe.zoo.catalog;

import dev.loupe.core.LoupeException;
import dev.loupe.zoo.discover.FileKey;
import dev.loupe.zoo.result.ZooRunSummary;
import dev.loupe.zoo.result.ZooSchema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The DuckDB catalog file. It stores only the {@code runs} table; the metrics stay in each run's
 * Parquet files and the views read them in place, so the catalog is small and the Parquet is usable
 * by any other tool (Spark, pandas, DuckDB CLI).
 * <ul>
 * <li>{@code runs}: one row per {@code loupe zoo} run (counts, master, where its Parquet is)</li>
 * <li>{@code models_all}, {@code layers_all}: every row of every run</li>
 * <li>{@code models}: the latest analysis of each path; {@code layers}: that analysis's layers</li>
 * <li>{@code failures}: the models whose latest analysis failed, with the error</li>
 * </ul>
 */
public final class Catalog implements AutoCloseable {
    private final Path file;
    private final Connection conn;
    private final List<String> warnings = new ArrayList<>();

    private Catalog(Path file, Connection conn) {
        this.file = file;
        this.conn = conn;
    }

    /** Opens (creating if needed) a catalog for writing runs. */
    public static Catalog open(Path file) {
        Catalog c = connect(file, false);
        c.exec("CREATE TABLE IF NOT EXISTS runs (run_id VARCHAR PRIMARY KEY, started_at VARCHAR, master VARCHAR, "
                + "parquet_dir VARCHAR, found INTEGER, skipped INTEGER, analyzed INTEGER, failed INTEGER, "
                + "layers BIGINT, seconds DOUBLE, loupe_version VARCHAR)");
        c.refreshViews();
        return c;
    }

    /** Opens an existing catalog read-only (for queries and the map). */
    public static Catalog openExisting(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LoupeException(file, "no such catalog (create it with: loupe zoo PATH... --catalog " + file + ")");
        }
        return connect(file, true);
    }

    private static Catalog connect(Path file, boolean readOnly) {
        try {
            java.util.Properties p = new java.util.Properties();
            if (readOnly) {
                p.setProperty("duckdb.read_only", "true");
            }
            Path abs = file.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            return new Catalog(file, DriverManager.getConnection("jdbc:duckdb:" + abs, p));
        } catch (SQLException | java.io.IOException e) {
            throw new LoupeException(file, "cannot open catalog: " + e.getMessage());
        }
    }

    /** Keys of every file already recorded (analyzed or failed): a resumed run skips these. */
    public Set<FileKey> recordedKeys() {
        return recordedKeys(true);
    }

    /**
     * Keys of the files already recorded: a resumed run skips these.
     *
     * @param withFailures also the files whose analysis failed (false: {@code --retry-failed} redoes them)
     */
    public Set<FileKey> recordedKeys(boolean withFailures) {
        Set<FileKey> keys = new HashSet<>();
        String where = withFailures ? "" : " WHERE status = 'ok'";
        for (List<Object> r : query("SELECT path, size_bytes, head_hash FROM models_all" + where).rows()) {
            keys.add(new FileKey((String) r.get(0), ((Number) r.get(1)).longValue(), (String) r.get(2)));
        }
        return keys;
    }

    /** Registers a finished run; its Parquet must already be in {@code runDir(parquetDir, runId)}. */
    public void recordRun(ZooRunSummary s, String startedAt, Path parquetDir, String version) {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, s.runId());
            ps.setString(2, startedAt);
            ps.setString(3, s.master());
            ps.setString(4, parquetDir.toAbsolutePath().normalize().toString());
            ps.setInt(5, s.found());
            ps.setInt(6, s.skipped());
            ps.setInt(7, s.analyzed());
            ps.setInt(8, s.failed());
            ps.setLong(9, s.layers());
            ps.setDouble(10, s.seconds());
            ps.setString(11, version);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new LoupeException(file, "cannot record run: " + e.getMessage());
        }
        refreshViews();
    }

    /** What opening the catalog found wrong and worked around, one line each. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public static Path runDir(Path parquetDir, String runId) {
        return parquetDir.resolve("run-" + runId);
    }

    /** Rebuilds the views over the Parquet of every registered run that wrote rows. */
    void refreshViews() {
        List<String> dirs = new ArrayList<>();
        warnings.clear();
        for (List<Object> r : query("SELECT parquet_dir, run_id FROM runs WHERE analyzed + failed > 0 ORDER BY run_id").rows()) {
            Path dir = runDir(Path.of((String) r.get(0)), (String) r.get(1));
            // A registered run without its Parquet (deleted, or registered by a version that did not check) would make
            // every view fail: leave it out, say so; its checkpoints are no longer recorded, so the next run redoes them.
            if (ParquetCheck.files(dir.resolve("models")).isEmpty() || ParquetCheck.files(dir.resolve("layers")).isEmpty()) {
                warnings.add("catalog " + file + ": run " + r.get(1) + " has no Parquet in " + dir
                        + "; its rows are left out and its checkpoints will be analyzed again");
            } else {
                dirs.add(dir.toString());
            }
        }
        exec("CREATE OR REPLACE VIEW models_all AS " + source(dirs, "models", ZooSchema.MODELS));
        exec("CREATE OR REPLACE VIEW layers_all AS " + source(dirs, "layers", ZooSchema.LAYERS));
        exec("CREATE OR REPLACE VIEW models AS SELECT * FROM models_all "
                + "QUALIFY row_number() OVER (PARTITION BY path ORDER BY analyzed_at DESC, run_id DESC) = 1");
        exec("CREATE OR REPLACE VIEW layers AS SELECT l.* FROM layers_all l "
                + "JOIN models m ON l.path = m.path AND l.run_id = m.run_id");
        exec("CREATE OR REPLACE VIEW failures AS SELECT path, error, run_id, analyzed_at FROM models "
                + "WHERE status = 'error'");
    }

    private static String source(List<String> runDirs, String table, List<dev.loupe.zoo.result.ZooColumn> cols) {
        if (runDirs.isEmpty()) {
            return Sql.empty(cols);
        }
        String globs = runDirs.stream().map(d -> Sql.literal(d + "/" + table + "/*.parquet"))
                .collect(Collectors.joining(", "));
        return "SELECT * FROM read_parquet([" + globs + "], union_by_name = true)";
    }

    /** Runs one SQL statement; a statement without a result set returns an empty result. */
    public QueryResult query(String sql) {
        try (Statement st = conn.createStatement()) {
            if (!st.execute(sql)) {
                return new QueryResult(List.of(), List.of());
            }
            try (ResultSet rs = st.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> cols = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    cols.add(md.getColumnLabel(i));
                }
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> r = new ArrayList<>(cols.size());
                    for (int i = 1; i <= cols.size(); i++) {
                        r.add(rs.getObject(i));
                    }
                    rows.add(r);
                }
                return new QueryResult(cols, rows);
            }
        } catch (SQLException e) {
            throw new LoupeException(file, "SQL failed: " + firstLine(e.getMessage()));
        }
    }

    private void exec(String sql) {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new LoupeException(file, "catalog: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " " + t.substring(nl + 1).lines().findFirst().orElse("").strip();
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
