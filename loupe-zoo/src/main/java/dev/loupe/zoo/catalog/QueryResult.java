package dev.loupe.zoo.catalog;

import java.util.List;

/** A SQL result: column names and rows of JDBC values (String, Long, Double, ... or null). */
public record QueryResult(List<String> columns, List<List<Object>> rows) {
    public QueryResult {
        columns = List.copyOf(columns);
        rows = rows.stream().map(r -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(r))).toList();
    }
}
