package dev.loupe.zoo.catalog;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A run's Parquet as this process sees it, checked before the run is registered: both tables present
 * with the row counts the tasks reported. On a cluster the executors write the Parquet; if their view of
 * the folder is not the driver's (no shared filesystem), the driver would register a run with no files,
 * and every later view over the catalog would fail.
 */
public final class ParquetCheck {
    private ParquetCheck() {
    }

    /** Throws one line naming the folder unless {@code runDir} holds exactly these many model and layer rows. */
    public static void verify(Path runDir, long models, long layers) {
        long m = rows(runDir.resolve("models"));
        long l = rows(runDir.resolve("layers"));
        if (m != models || l != layers) {
            throw new LoupeException(runDir, "holds " + m + " of " + models + " model rows and " + l + " of " + layers
                    + " layer rows in Parquet, as this machine sees it: the executors wrote where it cannot read; "
                    + "give --parquet a folder that every worker mounts at the same path (nothing was registered)");
        }
    }

    /** Parquet files directly in a folder; none when it does not exist. */
    static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long rows(Path dir) {
        List<Path> fs = files(dir);
        if (fs.isEmpty()) {
            return 0;
        }
        String list = fs.stream().map(p -> Sql.literal(p.toString())).collect(Collectors.joining(", "));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet([" + list + "])")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new LoupeException(dir, "unreadable Parquet: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
