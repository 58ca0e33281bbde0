package dev.loupe.core.format.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the onnx Python package reports for a model: parsed from the .expected.tsv files that
 * src/test/resources/onnx/expected_minilm.py printed (provenance is in each file's header).
 */
record ExpectedModel(Map<String, String> model, Map<String, String> graph, Map<String, Integer> ops,
                     Map<String, String> gemms, List<ExpectedTensor> tensors) {

    record ExpectedTensor(String name, String dtype, long[] shape, double sum, double sumSquares, String[] first) {
    }

    static ExpectedModel load(String resource) {
        try (InputStream in = ExpectedModel.class.getResourceAsStream("/onnx/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            Map<String, String> model = new LinkedHashMap<>();
            Map<String, String> graph = new LinkedHashMap<>();
            Map<String, Integer> ops = new LinkedHashMap<>();
            Map<String, String> gemms = new LinkedHashMap<>();
            List<ExpectedTensor> tensors = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "model" -> model.merge(f[1], f[2], (a, b) -> a + ";" + b);
                    case "graph", "weights" -> graph.put(f[1], f[2]);
                    case "op" -> ops.put(f[1], Integer.parseInt(f[2]));
                    case "gemm" -> gemms.put(f[1], f[2]);
                    case "tensor" -> tensors.add(new ExpectedTensor(f[1], f[2],
                            f[3].isEmpty() ? new long[0] : Arrays.stream(f[3].split(",")).mapToLong(Long::parseLong).toArray(),
                            Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                            f[6].isEmpty() ? new String[0] : f[6].split(",")));
                    default -> throw new IllegalStateException("unexpected line: " + line);
                }
            }
            return new ExpectedModel(model, graph, ops, gemms, tensors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
