package dev.loupe.runtime.session;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.loupe.core.data.Fixtures;
import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.format.onnx.OnnxReader;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.ValueInfo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What loupe-core's ONNX parser says a graph takes and gives (names, order, element types, shapes with symbolic
 * dimensions and their names) must be what ONNX Runtime reports for the same file: callers decide how to run a
 * model from the former without opening a session. Covers old-style graphs that list weights as inputs (the
 * bundled MiniLM export) and Optimum-style decoders with symbolic cache dimensions.
 */
class TestDeclaredSignature {
    @Test
    void declaredInputsAndOutputsAreWhatOnnxRuntimeReports() throws OrtException {
        List<Path> files = new ArrayList<>(List.of(BundledModels.miniLm(), Fixtures.dir().resolve("models/cnn.onnx"),
                Fixtures.dir().resolve("models/mlp.onnx"), Fixtures.dir().resolve("models/resnet20.onnx"),
                Fixtures.dir().resolve("realmodels/fp16_cast.onnx"), Fixtures.dir().resolve("lm/llama/model.onnx"),
                Fixtures.dir().resolve("lm/llama/model-with-past.onnx"), Fixtures.dir().resolve("lm/onnx/past-symbolic-heads.onnx"),
                Fixtures.dir().resolve("lm/onnx/vocab8.onnx")));
        for (Path f : files) {
            Graph g = OnnxReader.graph(f);
            try (ModelSession s = OrtSessions.open(f, SessionSettings.defaults())) {
                assertEquals(describe(s.getInputInfo()), describe(g.feeds()), f + " inputs");
                assertEquals(describe(s.getOutputInfo()), describe(g.results()), f + " outputs");
            }
        }
    }

    private static List<String> describe(Map<String, NodeInfo> ort) {
        return ort.values().stream().map(n -> {
            TensorInfo t = (TensorInfo) n.getInfo();
            String[] names = t.getDimensionNames();
            List<String> dims = new ArrayList<>();
            for (int i = 0; i < t.getShape().length; i++) {
                dims.add(t.getShape()[i] + (t.getShape()[i] < 0 ? ":" + names[i] : ""));
            }
            return n.getName() + " " + t.onnxType + " " + dims;
        }).toList();
    }

    private static List<String> describe(List<ValueInfo> declared) {
        return declared.stream().map(v -> v.name() + " " + onnxTypeName(v) + " "
                + v.shape().stream().map(d -> d.size() + (d.fixed() ? "" : ":" + d.param())).toList()).toList();
    }

    /** ONNX Runtime's OnnxTensorType names for the element types these graphs use. */
    private static String onnxTypeName(ValueInfo v) {
        return switch (v.elementType()) {
            case F32 -> "ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT";
            case F16 -> "ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16";
            case I64 -> "ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64";
            case I32 -> "ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32";
            case BOOL -> "ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL";
            default -> v.elementType().toString();
        };
    }
}
