package dev.loupe.core.format.onnx;

import dev.loupe.core.testing.Pb;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Small models built field by field (see {@link Pb}) for every way onnx.proto stores tensor data.
 * Expected values are worked out by hand from the IEEE/bfloat16/fp8 bit patterns written in each case.
 */
class TestOnnxTensorFields {
    @TempDir
    Path dir;

    @Test
    void packedFloatDataIsAViewAndUnpackedIsDecoded() throws IOException {
        Pb packed = new Pb().varint(1, 2).varint(2, OnnxLayout.FLOAT).str(8, "packed").len(4, Pb.floats(1.5f, -2f));
        Pb unpacked = new Pb().varint(1, 2).varint(2, OnnxLayout.FLOAT).str(8, "unpacked")
                .fixed32(4, Float.floatToIntBits(0.25f)).fixed32(4, Float.floatToIntBits(-8f));
        try (Checkpoint cp = open(graph().msg(5, packed).msg(5, unpacked))) {
            Tensor p = cp.tensor("packed").orElseThrow();
            assertArrayEquals(new float[]{1.5f, -2f}, p.toFloats());
            assertTrue(p.storedBytes().isMapped());
            assertArrayEquals(new float[]{0.25f, -8f}, cp.tensor("unpacked").orElseThrow().toFloats());
        }
    }

    @Test
    void halfPrecisionAndFp8LiveInTheLowBitsOfInt32Data() throws IOException {
        // fp16 0x3C00 = 1, 0xC000 = -2, 0x7BFF = 65504 (largest half); bf16 0x3F80 = 1, 0x4049 = 3.140625;
        // e4m3fn 0x38 = 2^(7-7) = 1, 0x7E = (1 + 6/8) * 2^(15-7) = 448
        Pb f16 = typed("h", OnnxLayout.FLOAT16, 3).varint(5, 0x3C00).varint(5, 0xC000).varint(5, 0x7BFF);
        Pb bf16 = typed("b", OnnxLayout.BFLOAT16, 2).varint(5, 0x3F80).varint(5, 0x4049);
        Pb fp8 = typed("e", OnnxLayout.FLOAT8E4M3FN, 2).varint(5, 0x38).varint(5, 0x7E);
        try (Checkpoint cp = open(graph().msg(5, f16).msg(5, bf16).msg(5, fp8))) {
            assertEquals(DType.F16, cp.tensor("h").orElseThrow().dtype());
            assertArrayEquals(new double[]{1, -2, 65504}, cp.tensor("h").orElseThrow().toDoubles());
            assertArrayEquals(new double[]{1, 3.140625}, cp.tensor("b").orElseThrow().toDoubles());
            assertArrayEquals(new double[]{1, 448}, cp.tensor("e").orElseThrow().toDoubles());
        }
    }

    @Test
    void integerFields() throws IOException {
        // int32 varints of negatives are sign-extended to 64 bits; packed int32_data is also valid
        Pb i8 = typed("i8", OnnxLayout.INT8, 2).varint(5, -3L).varint(5, 127);
        Pb bool = typed("bool", OnnxLayout.BOOL, 3).len(5, new Pb().raw(1).raw(0).raw(1).bytes());
        Pb i64 = typed("i64", OnnxLayout.INT64, 2).varint(7, -5L).varint(7, 1L << 40);
        Pb u32 = typed("u32", OnnxLayout.UINT32, 1).varint(11, 0xFFFFFFFFL);
        Pb u64 = typed("u64", OnnxLayout.UINT64, 1).varint(11, 1L << 63);
        try (Checkpoint cp = open(graph().msg(5, i8).msg(5, bool).msg(5, i64).msg(5, u32).msg(5, u64))) {
            assertArrayEquals(new double[]{-3, 127}, cp.tensor("i8").orElseThrow().toDoubles());
            assertArrayEquals(new double[]{1, 0, 1}, cp.tensor("bool").orElseThrow().toDoubles());
            assertArrayEquals(new double[]{-5, 1099511627776.0}, cp.tensor("i64").orElseThrow().toDoubles());
            assertArrayEquals(new double[]{4294967295.0}, cp.tensor("u32").orElseThrow().toDoubles());
            assertArrayEquals(new double[]{9.223372036854775808e18}, cp.tensor("u64").orElseThrow().toDoubles());
        }
    }

    @Test
    void doubleData() throws IOException {
        byte[] d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(1e300).array();
        try (Checkpoint cp = open(graph().msg(5, typed("d", OnnxLayout.DOUBLE, 2).len(10, d)))) {
            assertArrayEquals(new double[]{0.1, 1e300}, cp.tensor("d").orElseThrow().toDoubles());
        }
    }

    @Test
    void unsupportedTypesAreSkippedAndNamedInMetadata() throws IOException {
        Pb strings = new Pb().varint(1, 1).varint(2, OnnxLayout.STRING).str(8, "vocab").str(6, "hello");
        Pb ok = Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(1f), 1);
        try (Checkpoint cp = open(graph().msg(5, strings).msg(5, ok))) {
            assertEquals(List.of("w"), cp.tensors().stream().map(Tensor::name).toList());
            assertEquals("1: vocab (STRING)", cp.metadata().get("skipped_tensors"));
            assertEquals(List.of("vocab", "w"), cp.graph().orElseThrow().initializers());
        }
    }

    @Test
    void constantsAndSubgraphWeightsWithTheirAttributes() throws IOException {
        Pb value = new Pb().str(1, "value").msg(5, Pb.rawTensor("", OnnxLayout.FLOAT, Pb.floats(7f))).varint(20, 4);
        Pb constant = Pb.node("Constant", "c0", new String[0], new String[]{"c_out"}, value);
        Pb thenBranch = new Pb().msg(1, Pb.node("Constant", "inner", new String[0], new String[]{"inner_out"},
                        new Pb().str(1, "value").msg(5, Pb.rawTensor("", OnnxLayout.FLOAT, Pb.floats(3f)))))
                .str(2, "then").msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(2f), 1));
        Pb ifNode = Pb.node("If", "if0", new String[]{"cond"}, new String[]{"y"},
                new Pb().str(1, "then_branch").msg(6, thenBranch).varint(20, 5));
        Pb gemm = Pb.node("Gemm", "g0", new String[]{"x", "w", "c_out"}, new String[]{"z"},
                new Pb().str(1, "transB").varint(3, 1).varint(20, 2),
                new Pb().str(1, "alpha").fixed32(2, Float.floatToIntBits(0.5f)).varint(20, 1),
                new Pb().str(1, "perm").varint(8, 1).varint(8, 0).varint(20, 7));
        Pb g = graph().msg(1, constant).msg(1, ifNode).msg(1, gemm)
                .msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(1f), 1));
        try (Checkpoint cp = open(g)) {
            assertEquals(List.of("w", "c_out", "if0/w", "inner_out"), cp.tensors().stream().map(Tensor::name).toList());
            assertArrayEquals(new float[]{7f}, cp.tensor("c_out").orElseThrow().toFloats());
            assertArrayEquals(new float[]{2f}, cp.tensor("if0/w").orElseThrow().toFloats());
            assertArrayEquals(new float[]{3f}, cp.tensor("inner_out").orElseThrow().toFloats());
            Graph graph = cp.graph().orElseThrow();
            Node gemmNode = graph.nodes().get(2);
            assertEquals(1, gemmNode.intAttribute("transB", 0));
            assertEquals(0.5, (Double) gemmNode.attributes().get("alpha"));
            assertArrayEquals(new long[]{1, 0}, (long[]) gemmNode.attributes().get("perm"));
            Graph then = assertInstanceOf(Graph.class, graph.nodes().get(1).attributes().get("then_branch"));
            assertEquals(List.of("w"), then.initializers());
            assertEquals(4, graph.allNodes().size());
            assertEquals(List.of("Gemm"), graph.consumersOf("c_out").stream().map(Node::opType).toList());
        }
    }

    @Test
    void graphListAttributesAndUnknownFields() throws IOException {
        // AttributeProto.graphs (field 11) holds several subgraphs; fields onnx.proto may add later
        // (here 99 in GraphProto and 98 in ModelProto) are skipped
        Pb a = new Pb().str(2, "a").msg(5, Pb.rawTensor("wa", OnnxLayout.FLOAT, Pb.floats(1f), 1));
        Pb b = new Pb().str(2, "b").msg(5, Pb.rawTensor("wb", OnnxLayout.FLOAT, Pb.floats(2f), 1))
                .msg(1, Pb.node("Relu", "r", new String[]{"wb"}, new String[]{"o"}));
        Pb g = graph().msg(1, Pb.node("Custom", "n", new String[0], new String[0],
                new Pb().str(1, "branches").msg(11, a).msg(11, b).varint(20, 10))).str(99, "future");
        Path f = dir.resolve("m.onnx");
        Files.write(f, Pb.model(g).varint(98, 5).bytes());
        try (Checkpoint cp = Checkpoints.open(f)) {
            assertEquals(List.of("wa", "wb"), cp.tensors().stream().map(Tensor::name).toList());
            Graph graph = cp.graph().orElseThrow();
            assertEquals(List.of("Custom", "Relu"), graph.allNodes().stream().map(Node::opType).toList());
            assertEquals(2, ((List<?>) graph.nodes().getFirst().attributes().get("branches")).size());
        }
    }

    @Test
    void externalDataIsReadFromBesideTheModel() throws IOException {
        byte[] blob = new byte[64];
        System.arraycopy(Pb.floats(4f, 5f, 6f), 0, blob, 16, 12);
        Files.write(dir.resolve("weights.bin"), blob);
        Pb ext = new Pb().varint(1, 3).varint(2, OnnxLayout.FLOAT).str(8, "big")
                .msg(13, new Pb().str(1, "location").str(2, "weights.bin"))
                .msg(13, new Pb().str(1, "offset").str(2, "16"))
                .msg(13, new Pb().str(1, "length").str(2, "12")).varint(14, 1);
        Pb noLength = new Pb().varint(1, 1).varint(2, OnnxLayout.FLOAT).str(8, "first")
                .msg(13, new Pb().str(1, "location").str(2, "weights.bin")).varint(14, 1);
        try (Checkpoint cp = open(graph().msg(5, ext).msg(5, noLength))) {
            assertArrayEquals(new float[]{4f, 5f, 6f}, cp.tensor("big").orElseThrow().toFloats());
            assertArrayEquals(new float[]{0f}, cp.tensor("first").orElseThrow().toFloats());
        }
    }

    @Test
    void externalDataBeyondTwoGigabytes() throws IOException {
        // a sparse 3 GB file (no disk used) with one tensor 2.5 GB in: offsets past int range must work
        long offset = 5L << 29;
        try (var f = new java.io.RandomAccessFile(dir.resolve("huge.bin").toFile(), "rw")) {
            f.setLength(3L << 30);
            f.seek(offset);
            f.write(Pb.floats(-1.25f, 8f));
        }
        Pb ext = new Pb().varint(1, 2).varint(2, OnnxLayout.FLOAT).str(8, "far")
                .msg(13, new Pb().str(1, "location").str(2, "huge.bin"))
                .msg(13, new Pb().str(1, "offset").str(2, Long.toString(offset))).varint(14, 1);
        try (Checkpoint cp = open(graph().msg(5, ext))) {
            assertArrayEquals(new float[]{-1.25f, 8f}, cp.tensor("far").orElseThrow().toFloats());
        }
    }

    @Test
    void emptyTensorNeedsNoData() throws IOException {
        try (Checkpoint cp = open(graph().msg(5, new Pb().varint(1, 0).varint(1, 3).varint(2, OnnxLayout.FLOAT).str(8, "e")))) {
            assertEquals(0, cp.tensor("e").orElseThrow().numel());
        }
    }

    private static Pb typed(String name, int dataType, long n) {
        return new Pb().varint(1, n).varint(2, dataType).str(8, name);
    }

    private static Pb graph() {
        return new Pb().str(2, "g");
    }

    private Checkpoint open(Pb graph) throws IOException {
        Path f = dir.resolve("m.onnx");
        Files.write(f, Pb.model(graph).bytes());
        return Checkpoints.open(f);
    }
}
