package dev.loupe.core.format.onnx;

import dev.loupe.core.testing.Pb;

import dev.loupe.core.LoupeException;
import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips through {@link OnnxWriter}: edited weights read back as written, everything else bit-exact. */
class TestOnnxWriter {
    @TempDir
    Path dir;

    @Test
    void replacingOneMiniLmWeightKeepsEveryOtherBitExact() {
        Path src = BundledModels.miniLm();
        Path out = dir.resolve("edited.onnx");
        float[] fresh = new float[384 * 384];
        Random rnd = new Random(42);
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = (float) rnd.nextGaussian();
        }
        byte[] extra = {-1, 0, 7};
        OnnxWriter.edit(src)
                .replace("onnx::MatMul_787", DType.F32, new long[]{384, 384}, MemorySegment.ofArray(fresh))
                .add("loupe.extra", DType.I8, new long[]{3}, MemorySegment.ofArray(extra))
                .write(out);
        try (Checkpoint before = Checkpoints.open(src); Checkpoint after = Checkpoints.open(out)) {
            assertEquals(before.tensors().size() + 1, after.tensors().size());
            for (Tensor t : before.tensors()) {
                Tensor u = after.tensor(t.name()).orElseThrow();
                assertEquals(t.dtype(), u.dtype(), t.name());
                assertArrayEquals(t.shape(), u.shape(), t.name());
                if (t.name().equals("onnx::MatMul_787")) {
                    assertArrayEquals(fresh, u.toFloats());
                } else {
                    assertEquals(-1, t.storedBytes().mismatch(u.storedBytes()), t.name() + " changed");
                }
            }
            assertArrayEquals(new double[]{-1, 0, 7}, after.tensor("loupe.extra").orElseThrow().toDoubles());
            assertEquals(before.metadata(), after.metadata());
            Graph g = after.graph().orElseThrow();
            assertEquals(before.graph().orElseThrow().allNodes().size(), g.allNodes().size());
            assertEquals("loupe.extra", g.initializers().getLast());
        }
    }

    @Test
    void noEditsCopiesTheFileByteForByte() throws IOException {
        Path src = BundledModels.miniLmQuantized();
        Path out = dir.resolve("copy.onnx");
        OnnxWriter.edit(src).write(out);
        assertEquals(-1, Files.mismatch(src, out));
    }

    @Test
    void dequantizeLinearModelWithPrependedNodeAndRemovedInitializer() throws IOException {
        // IR 3 style: the initializer "w" is also listed as a graph input, so removing it must drop the input too
        Pb graph = new Pb().msg(1, Pb.node("MatMul", "mm", new String[]{"x", "w"}, new String[]{"y"}))
                .str(2, "g").msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(1f, 2f, 3f, 4f), 2, 2))
                .msg(11, new Pb().str(1, "x")).msg(11, new Pb().str(1, "w")).msg(12, new Pb().str(1, "y"));
        Path src = dir.resolve("small.onnx");
        Files.write(src, Pb.model(graph).bytes());
        Path out = dir.resolve("q.onnx");
        Node dq = new Node("dq_w", "DequantizeLinear", "", List.of("w_q", "w_scale", "w_zp"), List.of("w"), Map.of("axis", 1L));
        OnnxWriter.edit(src).remove("w")
                .add("w_q", DType.I8, new long[]{2, 2}, MemorySegment.ofArray(new byte[]{1, 2, 3, 4}))
                .add("w_scale", DType.F32, new long[]{2}, MemorySegment.ofArray(new float[]{1f, 0.5f}))
                .add("w_zp", DType.I8, new long[]{2}, MemorySegment.ofArray(new byte[]{0, 0}))
                .addNode(dq).requireOpset("ai.onnx", 13).requireOpset("com.microsoft", 1).write(out);
        try (Checkpoint cp = Checkpoints.open(out)) {
            Graph g = cp.graph().orElseThrow();
            assertEquals(List.of("w_q", "w_scale", "w_zp"), g.initializers());
            assertEquals(List.of("x"), g.inputs());
            assertEquals(List.of("DequantizeLinear", "MatMul"), g.nodes().stream().map(Node::opType).toList());
            assertEquals(1, g.nodes().getFirst().intAttribute("axis", -1));
            assertEquals(List.of("w"), g.nodes().getFirst().outputs());
            assertArrayEquals(new double[]{1, 0.5}, cp.tensor("w_scale").orElseThrow().toDoubles());
            assertTrue(cp.tensor("w").isEmpty());
            assertEquals("com.microsoft:1,ai.onnx:17", cp.metadata().get("opset_import")); // added imports go first
        }
        assertThrows(LoupeException.class, () -> OnnxWriter.edit(src).requireOpset("", 18).write(dir.resolve("x.onnx")));
    }

    @Test
    void replacingANodeWritesTheSameBytesAsAModelBuiltWithTheNewNode() throws IOException {
        // x -> MatMul(x, w) -> t -> Relu -> y; the MatMul (found by its output "t") becomes two nodes in its place
        Pb w = Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(1f, 2f, 3f, 4f), 2, 2);
        Pb relu = Pb.node("Relu", "relu", new String[]{"t"}, new String[]{"y"});
        Pb graph = new Pb().msg(1, Pb.node("MatMul", "mm", new String[]{"x", "w"}, new String[]{"t"})).msg(1, relu)
                .str(2, "g").msg(5, w).msg(11, new Pb().str(1, "x")).msg(12, new Pb().str(1, "y"));
        Path src = dir.resolve("mm.onnx");
        Files.write(src, Pb.model(graph).bytes());
        Path out = dir.resolve("replaced.onnx");
        OnnxWriter.edit(src).replaceNode("t", List.of(
                new Node("a", "Mul", "", List.of("x", "w"), List.of("u"), Map.of()),
                new Node("", "Neg", "", List.of("u"), List.of("t"), Map.of()))).write(out);
        // expected, encoded independently: NodeProto fields input(1), output(2), name(3, only when set), op_type(4)
        Pb neg = new Pb().str(1, "u").str(2, "t").str(4, "Neg");
        Pb expected = new Pb().msg(1, Pb.node("Mul", "a", new String[]{"x", "w"}, new String[]{"u"})).msg(1, neg)
                .msg(1, relu).str(2, "g").msg(5, w).msg(11, new Pb().str(1, "x")).msg(12, new Pb().str(1, "y"));
        assertArrayEquals(Pb.model(expected).bytes(), Files.readAllBytes(out));

        Path removed = dir.resolve("removed.onnx");
        OnnxWriter.edit(src).replaceNode("y", List.of()).write(removed);
        Pb without = new Pb().msg(1, Pb.node("MatMul", "mm", new String[]{"x", "w"}, new String[]{"t"}))
                .str(2, "g").msg(5, w).msg(11, new Pb().str(1, "x")).msg(12, new Pb().str(1, "y"));
        assertArrayEquals(Pb.model(without).bytes(), Files.readAllBytes(removed));

        assertThrows(LoupeException.class, () -> OnnxWriter.edit(src).replaceNode("x", List.of()).write(dir.resolve("n.onnx")));
        assertThrows(IllegalArgumentException.class, () -> OnnxWriter.edit(src).replaceNode("t", List.of()).replaceNode("t", List.of()));
        assertFalse(Files.exists(dir.resolve("n.onnx")));
    }

    @Test
    void replacingAMiniLmMatMulKeepsEveryOtherNodeAndWeight() {
        Path src = BundledModels.miniLm();
        Path out = dir.resolve("mm.onnx");
        try (Checkpoint before = Checkpoints.open(src)) {
            Graph g = before.graph().orElseThrow();
            Node mm = g.consumersOf("onnx::MatMul_787").getFirst();
            Node swapped = new Node(mm.name(), "MatMul", "", List.of(mm.inputs().get(0), "onnx::MatMul_787"), mm.outputs(),
                    Map.of());
            OnnxWriter.edit(src).replaceNode(mm.outputs().getFirst(), List.of(swapped)).write(out);
            try (Checkpoint after = Checkpoints.open(out)) {
                // same nodes in the same order (attributes as keys: long[] and tensors have no value equality)
                assertEquals(describe(g.nodes()), describe(after.graph().orElseThrow().nodes()));
                for (Tensor t : before.tensors()) {
                    assertEquals(-1, t.storedBytes().mismatch(after.tensor(t.name()).orElseThrow().storedBytes()), t.name());
                }
            }
        }
    }

    private static List<String> describe(List<Node> nodes) {
        return nodes.stream().map(n -> n.name() + " " + n.opType() + " " + n.inputs() + " " + n.outputs() + " "
                + new java.util.TreeSet<>(n.attributes().keySet())).toList();
    }

    @Test
    void growingANestedWeightReEncodesEveryEnclosingLength() throws IOException {
        // the subgraph weight sits in graph > node > attribute > graph; growing it from 4 to 800 bytes
        // makes every enclosing length varint longer
        Pb body = new Pb().str(2, "body").msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(1f), 1));
        Pb loop = Pb.node("Loop", "loop", new String[0], new String[]{"z"}, new Pb().str(1, "body").msg(6, body).varint(20, 5));
        Pb value = new Pb().str(1, "value").msg(5, Pb.rawTensor("", OnnxLayout.FLOAT, Pb.floats(9f)));
        Pb graph = new Pb().msg(1, loop).msg(1, Pb.node("Constant", "c", new String[0], new String[]{"c_out"}, value))
                .str(2, "g").msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(5f), 1));
        Path src = dir.resolve("nested.onnx");
        Files.write(src, Pb.model(graph).bytes());
        float[] big = new float[200];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.25f;
        }
        short[] half = {(short) 0x3C00, (short) 0xC000};
        Path out = dir.resolve("grown.onnx");
        OnnxWriter.edit(src).replace("loop/w", DType.F32, new long[]{200}, MemorySegment.ofArray(big))
                .replace("c_out", DType.F16, new long[]{2}, MemorySegment.ofArray(half)).write(out);
        try (Checkpoint cp = Checkpoints.open(out)) {
            assertArrayEquals(big, cp.tensor("loop/w").orElseThrow().toFloats());
            assertArrayEquals(new double[]{1, -2}, cp.tensor("c_out").orElseThrow().toDoubles());
            assertArrayEquals(new float[]{5f}, cp.tensor("w").orElseThrow().toFloats());
            assertEquals(List.of("Loop", "Constant"), cp.graph().orElseThrow().nodes().stream().map(Node::opType).toList());
        }
    }

    @Test
    void refusesBadEditsAndLeavesNoFile() throws IOException {
        Path src = dir.resolve("small.onnx");
        Files.write(src, Pb.model(new Pb().str(2, "g").msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(1f), 1))).bytes());
        Path out = dir.resolve("out.onnx");
        MemorySegment one = MemorySegment.ofArray(new float[]{2f});
        assertThrows(LoupeException.class, () -> OnnxWriter.edit(src).replace("nope", DType.F32, new long[]{1}, one).write(out));
        assertThrows(LoupeException.class, () -> OnnxWriter.edit(src).add("w", DType.F32, new long[]{1}, one).write(out));
        assertThrows(LoupeException.class, () -> OnnxWriter.edit(src).replace("w", DType.F32, new long[]{1}, one).write(src));
        assertThrows(IllegalArgumentException.class, () -> OnnxWriter.edit(src).replace("w", DType.F32, new long[]{2}, one));
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("small.onnx"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void externalDataModelsMustBeWrittenBesideTheirData() throws IOException {
        Files.write(dir.resolve("w.bin"), Pb.floats(3f));
        Pb ext = new Pb().varint(1, 1).varint(2, OnnxLayout.FLOAT).str(8, "w")
                .msg(13, new Pb().str(1, "location").str(2, "w.bin")).varint(14, 1);
        Path src = dir.resolve("ext.onnx");
        Files.write(src, Pb.model(new Pb().str(2, "g").msg(5, ext).msg(5, Pb.rawTensor("v", OnnxLayout.FLOAT, Pb.floats(1f), 1))).bytes());
        Files.createDirectories(dir.resolve("elsewhere"));
        MemorySegment two = MemorySegment.ofArray(new float[]{2f});
        assertThrows(LoupeException.class, () -> OnnxWriter.edit(src).replace("v", DType.F32, new long[]{1}, two)
                .write(dir.resolve("elsewhere/out.onnx")));
        Path out = dir.resolve("out.onnx");
        OnnxWriter.edit(src).replace("v", DType.F32, new long[]{1}, two).write(out);
        try (Checkpoint cp = Checkpoints.open(out)) {
            assertArrayEquals(new float[]{3f}, cp.tensor("w").orElseThrow().toFloats());
            assertArrayEquals(new float[]{2f}, cp.tensor("v").orElseThrow().toFloats());
        }
    }
}
