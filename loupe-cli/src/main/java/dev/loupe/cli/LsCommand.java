package dev.loupe.cli;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.checkpoint.TiedTensors;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.core.tensor.TensorScan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code loupe ls}: the tensors of a checkpoint, read from its header only. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = {"List the tensors of a checkpoint: name, stored dtype, shape, parameters, bytes.",
                "Reads only the header/index (memory-mapped), so it is instant even on huge files. "
                        + "FILE may be .safetensors, .onnx, .gguf, .pt/.pth/.bin, a *.index.json shard index or a directory."})
public final class LsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE|DIR", description = "Checkpoint to list.")
    Path path;

    @Option(names = "--filter", paramLabel = "REGEX", description = "Only tensors whose name contains a match of REGEX.")
    Pattern filter;

    @CommandLine.Mixin
    JsonOption json;

    @Option(names = "--verify", description = "Also decode every tensor (reads the whole file): a damaged tensor is an error, "
            + "and NaN/Inf values are counted per tensor.")
    boolean verify;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * One listed tensor. {@code consumer} is the op that reads it (ONNX only); {@code tiedTo} the earlier tensor
     * whose stored bytes it shares (PyTorch tied weights), which the totals count once.
     */
    record Row(String name, String dtype, long[] shape, long parameters, long bytes, String consumer, Long nonFinite,
               String tiedTo) {
    }

    /** The whole listing; parameters and bytes count tied tensors once. */
    record Listing(String source, String format, int tensors, long parameters, long bytes, int tied,
                   Map<String, String> metadata, List<Row> rows) {
    }

    @Override
    public Integer call() {
        try (Checkpoint cp = Checkpoints.open(path)) {
            Map<String, String> consumers = consumers(cp);
            Map<String, String> tied = TiedTensors.find(cp.tensors());
            List<Row> rows = new ArrayList<>();
            for (Tensor t : cp.tensors()) {
                if (filter == null || filter.matcher(t.name()).find()) {
                    rows.add(new Row(t.name(), t.dtype().name(), t.shape(), t.numel(), t.byteSize(), consumers.get(t.name()),
                            verify ? TensorScan.nonFinite(t) : null, tied.get(t.name())));
                }
            }
            List<Row> owned = rows.stream().filter(r -> r.tiedTo() == null).toList();
            Listing l = new Listing(cp.source().toString(), cp.format().name(), rows.size(),
                    owned.stream().mapToLong(Row::parameters).sum(), owned.stream().mapToLong(Row::bytes).sum(),
                    rows.size() - owned.size(), cp.metadata(), rows);
            PrintWriter out = spec.commandLine().getOut();
            if (!json.print(l, out)) {
                printTable(l, !consumers.isEmpty(), out);
            }
            out.flush();
        }
        return 0;
    }

    private static Map<String, String> consumers(Checkpoint cp) {
        Map<String, String> out = new HashMap<>();
        cp.graph().map(Graph::allNodes).orElse(List.of()).forEach(n -> {
            for (String in : n.inputs()) {
                out.merge(in, label(n), (a, b) -> a.equals(b) ? a : a + "," + b);
            }
        });
        return out;
    }

    private static String label(Node n) {
        return n.opType();
    }

    private void printTable(Listing l, boolean hasGraph, PrintWriter out) {
        List<String> header = new ArrayList<>(List.of("name", "dtype", "shape", "params", "bytes"));
        if (hasGraph) {
            header.add("consumer");
        }
        if (verify) {
            header.add("non-finite");
        }
        if (l.tied() > 0) {
            header.add("tied to");
        }
        Table t = new Table(header.toArray(String[]::new));
        long nonFinite = 0;
        for (Row r : l.rows()) {
            List<Object> cells = new ArrayList<>(List.of(r.name(), r.dtype(), Table.shape(r.shape()),
                    Table.count(r.parameters()), Table.bytes(r.bytes())));
            if (hasGraph) {
                cells.add(r.consumer() == null ? "-" : r.consumer());
            }
            if (verify) {
                cells.add(r.nonFinite());
                nonFinite += r.nonFinite();
            }
            if (l.tied() > 0) {
                cells.add(r.tiedTo() == null ? "" : r.tiedTo());
            }
            t.row(cells.toArray());
        }
        t.print(out);
        out.printf("%s (%s): %d tensors, %s parameters, %s%s%s%n", l.source(), l.format(), l.tensors(),
                Table.count(l.parameters()), Table.bytes(l.bytes()),
                l.tied() == 0 ? "" : " (" + l.tied() + " tied tensors share an earlier tensor's storage: counted once)",
                verify ? "; every tensor decoded, " + Table.count(nonFinite) + " non-finite values" : "");
    }
}
