package dev.loupe.cli.zoo;

import dev.loupe.cli.CsvCell;
import dev.loupe.cli.Output;
import dev.loupe.cli.Table;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.zoo.catalog.Catalog;
import dev.loupe.zoo.catalog.QueryResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code loupe zoo query}: SQL on a zoo catalog. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Run one SQL statement (DuckDB dialect) on a zoo catalog (opened read-only) and print the "
                + "result. Views: models, layers, failures, runs, models_all, layers_all (see: loupe zoo --help).",
                "Example: loupe zoo query --catalog zoo.duckdb \"SELECT file_name, alpha FROM models ORDER BY alpha\""})
public final class ZooQueryCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--catalog", required = true, paramLabel = "FILE", description = "The DuckDB catalog.")
    Path catalog;

    @Parameters(paramLabel = "SQL", description = "The statement.")
    String sql;

    @Option(names = "--json", description = "Print a JSON array of row objects.")
    boolean json;

    @Option(names = "--csv", description = "Print CSV with a header row.")
    boolean csv;

    @Option(names = "--external-access", description = "Let the query read and write files other than the catalog's "
            + "Parquet (read_csv, COPY ... TO). Off by default: a catalog is untrusted input, and Loupe's views in it are "
            + "recreated from Loupe's own definitions either way.")
    boolean externalAccess;

    @Override
    public Integer call() throws Exception {
        QueryResult r;
        try (Catalog c = Catalog.openExisting(catalog, externalAccess)) {
            r = c.query(sql);
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            ArrayNode a = Output.MAPPER.createArrayNode();
            for (List<Object> row : r.rows()) {
                ObjectNode o = a.addObject();
                for (int i = 0; i < r.columns().size(); i++) {
                    o.set(r.columns().get(i), Output.MAPPER.valueToTree(jsonValue(row.get(i))));
                }
            }
            w.println(Output.MAPPER.writeValueAsString(a));
        } else if (csv) {
            w.println(r.columns().stream().map(CsvCell::quoted).collect(Collectors.joining(",")));
            for (List<Object> row : r.rows()) {
                w.println(row.stream().map(v -> CsvCell.quoted(v == null ? "" : v.toString())).collect(Collectors.joining(",")));
            }
        } else {
            Table t = new Table(r.columns().toArray(String[]::new));
            for (List<Object> row : r.rows()) {
                t.row(row.stream().map(ZooQueryCommand::cell).toArray());
            }
            t.print(w);
            w.printf("(%d rows)%n", r.rows().size());
        }
        w.flush();
        return 0;
    }

    private static Object jsonValue(Object v) {
        if (v instanceof Double d && !Double.isFinite(d)) {
            return null; // JSON has no NaN/Infinity: null, as every --json (Output.MAPPER)
        }
        return v instanceof Number || v instanceof Boolean || v == null ? v : v.toString();
    }

    private static String cell(Object v) {
        if (v instanceof Double d) {
            return Table.num(d, 4);
        }
        return v == null ? "" : v.toString();
    }
}
