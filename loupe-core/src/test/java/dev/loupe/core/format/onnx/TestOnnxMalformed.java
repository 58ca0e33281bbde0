package dev.loupe.core.format.onnx;

import dev.loupe.core.testing.Pb;

import dev.loupe.core.LoupeException;
import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static dev.loupe.core.testing.MalformedInput.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and broken ONNX files, generated here. Each must be refused with a LoupeException whose
 * one-line message names the file and the problem; any other throwable (OOM, StackOverflowError,
 * IndexOutOfBounds...) fails the test.
 */
class TestOnnxMalformed {
    private static final String BAD = "not a valid ONNX file";
    @TempDir
    Path dir;

    private static Pb goodGraph() {
        return new Pb().msg(1, Pb.node("MatMul", "mm", new String[]{"x", "w"}, new String[]{"y"}))
                .str(2, "g").msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(1f, 2f, 3f, 4f), 2, 2))
                .msg(11, new Pb().str(1, "x")).msg(12, new Pb().str(1, "y"));
    }

    @Test
    void notAProtobuf() throws IOException {
        assertRejected(write("text.onnx", "this is a README, not a model\n".getBytes(StandardCharsets.UTF_8)), BAD);
        assertRejected(write("empty.onnx", new byte[0]), "no graph");
        assertRejected(write("zip.onnx", new byte[]{'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0}), BAD);
    }

    @Test
    void truncatedAtEveryByte() throws IOException {
        byte[] good = Pb.model(goodGraph()).bytes();
        try (Checkpoint cp = Checkpoints.open(write("good.onnx", good))) {
            assertEquals(4, cp.tensor("w").orElseThrow().numel());
        }
        // every proper prefix cuts a varint, a length-delimited field or the graph
        for (int cut = 1; cut < good.length; cut++) {
            assertRejected(write("cut" + cut + ".onnx", Arrays.copyOf(good, cut)), BAD);
        }
    }

    @Test
    void truncatedRealModel() throws IOException {
        Path src = BundledModels.miniLm();
        long size = Files.size(src);
        for (long cut : new long[]{3, 200, size / 2, size - 1}) {
            Path f = dir.resolve("minilm-cut" + cut + ".onnx");
            try (InputStream in = Files.newInputStream(src); OutputStream out = Files.newOutputStream(f)) {
                in.transferTo(new java.io.FilterOutputStream(out) {
                    long left = cut;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        int n = (int) Math.min(len, left);
                        out.write(b, off, n);
                        left -= n;
                    }
                });
            }
            assertRejected(f, BAD);
        }
    }

    @Test
    void varintOverflow() throws IOException {
        byte[] b = new byte[12];
        Arrays.fill(b, (byte) 0xff);
        b[0] = 0x08;
        assertRejected(write("varint.onnx", b), "varint");
    }

    @Test
    void lengthPastEof() throws IOException {
        assertRejected(write("len.onnx", new Pb().varint(1, 8).tag(7, 2).raw(1_000_000).bytes(new byte[3]).bytes()),
                "claims 1000000 bytes");
        assertRejected(write("len2.onnx", new Pb().varint(1, 8).tag(7, 2).raw(-1L).bytes()), "claims");
    }

    @Test
    void hugeRepeatedCounts() throws IOException {
        Pb dims = new Pb();
        for (int i = 0; i < 100; i++) {
            dims.varint(1, 1);
        }
        assertRejected(model("rank.onnx", new Pb().msg(5, dims.varint(2, OnnxLayout.FLOAT).str(8, "t").len(9, Pb.floats(1f)))),
                "more than 64 dimensions");
        byte[] ones = new byte[OnnxModelParser.MAX_LIST + 1];
        Arrays.fill(ones, (byte) 1);
        Pb attr = new Pb().str(1, "ints").len(8, ones);
        assertRejected(model("ints.onnx", new Pb().msg(1, Pb.node("Foo", "f", new String[0], new String[0], attr))),
                "list attribute longer");
    }

    @Test
    void rawDataLengthDisagreesWithShape() throws IOException {
        assertRejected(model("raw.onnx", new Pb().msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(1f, 2f, 3f), 2, 2))),
                "needs 16 bytes, found 12");
    }

    @Test
    void negativeDimension() throws IOException {
        assertRejected(model("neg.onnx", new Pb().msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(1f), -1))),
                "negative dimension");
        assertRejected(model("overflow.onnx", new Pb().msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, new byte[0],
                1L << 40, 1L << 40))), "more elements than a long");
    }

    @Test
    void unknownDataType() throws IOException {
        assertRejected(model("type.onnx", new Pb().msg(5, Pb.rawTensor("w", 99, new byte[4], 1))), "unknown data type 99");
    }

    @Test
    void typedDataCountDisagreesWithShape() throws IOException {
        assertRejected(model("typed.onnx", new Pb().msg(5, new Pb().varint(1, 3).varint(2, OnnxLayout.INT64).str(8, "i")
                .varint(7, 1).varint(7, 2))), "holds 2 elements, its shape needs 3");
    }

    @Test
    void externalDataPathTraversal() throws IOException {
        assertRejected(model("dotdot.onnx", new Pb().msg(5, external("w", "../../etc/passwd", 0, 4))),
                "leaves the model's directory");
        assertRejected(model("absolute.onnx", new Pb().msg(5, external("w", "/etc/passwd", 0, 4))), "is absolute");
        Path link = dir.resolve("hosts.bin");
        Files.createSymbolicLink(link, Path.of("/etc/hosts"));
        assertRejected(model("symlink.onnx", new Pb().msg(5, external("w", "hosts.bin", 0, 4))),
                "resolves outside the model's directory");
        Files.delete(link); // JUnit would warn on stderr about a link leaving its temp dir
        assertRejected(model("missing.onnx", new Pb().msg(5, external("w", "nope.bin", 0, 4))), "does not exist");
    }

    @Test
    void externalDataPastEndOfFile() throws IOException {
        Files.write(dir.resolve("w.bin"), new byte[8]);
        assertRejected(model("past.onnx", new Pb().msg(5, external("w", "w.bin", 4, 8))), "runs past the end");
        assertRejected(model("offset.onnx", new Pb().msg(5, external("w", "w.bin", 1L << 40, 4))), "outside");
    }

    @Test
    void deeplyNestedSubgraphs() throws IOException {
        Pb g = new Pb().str(2, "leaf");
        for (int i = 0; i < 200; i++) {
            g = new Pb().msg(1, Pb.node("Loop", "l" + i, new String[0], new String[0], new Pb().str(1, "body").msg(6, g)));
        }
        assertRejected(model("deep.onnx", g), "nested deeper than 32");
        Pb ok = new Pb().str(2, "leaf").msg(5, Pb.rawTensor("w", OnnxLayout.FLOAT, Pb.floats(1f), 1));
        for (int i = 0; i < OnnxModelParser.MAX_GRAPH_DEPTH; i++) {
            ok = new Pb().msg(1, Pb.node("Loop", "l" + i, new String[0], new String[0], new Pb().str(1, "body").msg(6, ok)));
        }
        try (Checkpoint cp = Checkpoints.open(model("deepest-allowed.onnx", ok))) {
            assertEquals(1, cp.tensors().size());
        }
    }

    @Test
    void wrongWireTypeAndBadNames() throws IOException {
        assertRejected(write("wire.onnx", new Pb().varint(1, 8).varint(7, 5).bytes()), "wire type");
        assertRejected(write("group.onnx", new Pb().varint(1, 8).tag(7, 3).bytes()), "wire type 3");
        Pb badName = new Pb().varint(1, 1).varint(2, OnnxLayout.FLOAT).len(8, new byte[]{(byte) 0xC3, 0x28}).len(9, new byte[4]);
        assertRejected(model("utf8.onnx", new Pb().msg(5, badName)), "not valid UTF-8");
        assertRejected(model("sparse.onnx", new Pb().msg(15, new Pb())), "sparse initializers");
    }

    @Test
    void randomCorruptionsFailCleanly() throws IOException {
        // a model using most message kinds (subgraph, Constant, typed and raw tensors, attributes)
        Pb body = new Pb().str(2, "body").msg(5, Pb.rawTensor("b", OnnxLayout.FLOAT, Pb.floats(1f, 2f), 2));
        Pb g = goodGraph().msg(1, Pb.node("Loop", "loop", new String[0], new String[]{"z"},
                        new Pb().str(1, "body").msg(6, body).varint(20, 5),
                        new Pb().str(1, "axes").varint(8, 1).varint(8, 2).varint(20, 7),
                        new Pb().str(1, "alpha").fixed32(2, 1).varint(20, 1)))
                .msg(1, Pb.node("Constant", "c", new String[0], new String[]{"c_out"},
                        new Pb().str(1, "value").msg(5, new Pb().varint(1, 2).varint(2, OnnxLayout.INT64).varint(7, 3).varint(7, -1))))
                .msg(5, new Pb().varint(1, 1).varint(2, OnnxLayout.FLOAT16).str(8, "h").varint(5, 0x3C00));
        byte[] good = Pb.model(g).bytes();
        Random rnd = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] bad = good.clone();
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                bad[rnd.nextInt(bad.length)] = (byte) (rnd.nextInt(3) == 0 ? 0xff : rnd.nextInt(256));
            }
            Path f = write("mut.onnx", bad);
            try (Checkpoint cp = Checkpoints.open(f)) {
                cp.tensors().forEach(Tensor::toDoubles);
            } catch (LoupeException e) {
                assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
            }
        }
    }

    private static Pb external(String name, String location, long offset, long length) {
        return new Pb().varint(1, length / 4).varint(2, OnnxLayout.FLOAT).str(8, name)
                .msg(13, new Pb().str(1, "location").str(2, location))
                .msg(13, new Pb().str(1, "offset").str(2, Long.toString(offset)))
                .msg(13, new Pb().str(1, "length").str(2, Long.toString(length))).varint(14, 1);
    }

    private Path model(String name, Pb graph) throws IOException {
        return write(name, Pb.model(graph).bytes());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }
}
