package dev.loupe.zoo.catalog;

import dev.loupe.core.LoupeException;
import dev.loupe.zoo.result.ZooColumn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Collections;
import java.util.List;

/**
 * Writes rows as one Parquet file through an in-memory DuckDB (the single-process path's writer;
 * DuckDB is already here for the catalog, so no Parquet/Hadoop writer stack is needed outside Spark).
 */
public final class ParquetRows {
    private ParquetRows() {
    }

    public static void write(List<ZooColumn> cols, List<List<Object>> rows, Path file) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            Files.createDirectories(file.getParent());
            st.execute("CREATE TABLE t (" + Sql.columnDefs(cols) + ")");
            String marks = String.join(", ", Collections.nCopies(cols.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (" + marks + ")")) {
                for (List<Object> r : rows) {
                    for (int i = 0; i < cols.size(); i++) {
                        Object v = r.get(i);
                        if (v == null) {
                            ps.setNull(i + 1, switch (cols.get(i).type()) {
                                case STRING -> Types.VARCHAR;
                                case LONG -> Types.BIGINT;
                                case DOUBLE -> Types.DOUBLE;
                            });
                        } else {
                            ps.setObject(i + 1, v);
                        }
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            st.execute("COPY t TO " + Sql.literal(file.toString()) + " (FORMAT PARQUET, COMPRESSION ZSTD)");
        } catch (SQLException | java.io.IOException e) {
            throw new LoupeException(file, "cannot write Parquet: " + e.getMessage());
        }
    }
}
