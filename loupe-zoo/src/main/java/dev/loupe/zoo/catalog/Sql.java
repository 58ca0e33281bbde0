package dev.loupe.zoo.catalog;

import dev.loupe.zoo.result.ZooColumn;

import java.util.List;
import java.util.stream.Collectors;

/** Small SQL text helpers (DuckDB dialect). */
final class Sql {
    private Sql() {
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    static String columnDefs(List<ZooColumn> cols) {
        return cols.stream().map(c -> ident(c.name()) + " " + c.type().sql()).collect(Collectors.joining(", "));
    }

    /** A typed, empty relation with these columns (the views before the first run). */
    static String empty(List<ZooColumn> cols) {
        return "SELECT " + cols.stream().map(c -> "CAST(NULL AS " + c.type().sql() + ") AS " + ident(c.name()))
                .collect(Collectors.joining(", ")) + " WHERE false";
    }
}
