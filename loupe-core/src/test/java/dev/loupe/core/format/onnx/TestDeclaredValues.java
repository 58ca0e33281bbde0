package dev.loupe.core.format.onnx;

import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.ValueInfo;
import dev.loupe.core.graph.ValueInfo.Dim;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.testing.Pb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The declared types and shapes of a graph's inputs and outputs, on hand-built ValueInfoProtos. */
class TestDeclaredValues {
    @TempDir
    Path dir;

    @Test
    void weightsListedAsInputsAreNotFedAndShapesKeepTheirSymbols() throws IOException {
        Pb batchBy2 = new Pb().str(1, "x").msg(2, new Pb().msg(1, new Pb().varint(1, 1)
                .msg(2, new Pb().msg(1, new Pb().str(2, "batch")).msg(1, new Pb().varint(1, 2)))));
        Pb graph = Pb.graph("g", List.of(Pb.node("MatMul", "mm", new String[]{"x", "w"}, new String[]{"y"})),
                List.of(Pb.rawTensor("w", 1, Pb.floats(1, 2, 3, 4), 2, 2)),
                // an IR 3 export lists every weight as an input too
                List.of(batchBy2, Pb.valueInfo("w", 1, 2, 2), new Pb().str(1, "ids").msg(2, new Pb().msg(1, new Pb().varint(1, 7)))),
                List.of(Pb.valueInfo("y", 10, -1, 2), new Pb().str(1, "seq").msg(2, new Pb().msg(4, new Pb()))));
        Path f = dir.resolve("m.onnx");
        Files.write(f, Pb.model(graph).bytes());

        Graph g = OnnxReader.graph(f);
        assertEquals(List.of("x", "ids"), g.feeds().stream().map(ValueInfo::name).toList());
        ValueInfo x = g.feeds().getFirst();
        assertEquals(DType.F32, x.elementType());
        assertEquals(List.of(new Dim(-1, "batch"), new Dim(2, "")), x.shape());
        ValueInfo ids = g.feeds().get(1);
        assertEquals(DType.I64, ids.elementType());
        assertNull(ids.shape(), "a tensor type without a shape has no known rank");

        ValueInfo y = g.results().getFirst();
        assertEquals(DType.F16, y.elementType());
        assertEquals(List.of(new Dim(-1, "N"), new Dim(2, "")), y.shape());
        ValueInfo seq = g.results().get(1);
        assertNull(seq.elementType(), "a sequence is not a tensor");
        assertNull(seq.shape());
    }
}
