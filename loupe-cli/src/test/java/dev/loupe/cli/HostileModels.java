package dev.loupe.cli;

import dev.loupe.core.testing.Pb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small valid-but-hostile ONNX models for the CLI's hostile cases, built byte by byte (protobuf through {@link Pb})
 * so that no test needs Python.
 */
final class HostileModels {
    static final int FLOAT = 1;
    static final int INT64 = 7;
    static final int BOOL = 9;
    /** The square weight's size: K = 32 is two MatMulNBits blocks of 16. */
    static final int K = 32;

    private HostileModels() {
    }

    /** W[i][j] = ((7i + 3j) mod 11) − 5: far from symmetric, so x·W and x·Wᵀ differ. */
    static float[] squareWeight() {
        float[] w = new float[K * K];
        for (int i = 0; i < K; i++) {
            for (int j = 0; j < K; j++) {
                w[i * K + j] = ((7 * i + 3 * j) % 11) - 5;
            }
        }
        return w;
    }

    /** One square weight W read twice: {@code a = MatMul(x, W)} (x·W) and {@code b = Gemm(x, W, transB=1)} (x·Wᵀ). */
    static Path twoReaders(Path file) throws IOException {
        Pb g = Pb.graph("two_readers",
                List.of(Pb.node("MatMul", "mm", new String[]{"x", "W"}, new String[]{"a"}),
                        Pb.node("Gemm", "gemm", new String[]{"x", "W"}, new String[]{"b"}, Pb.intAttribute("transB", 1))),
                List.of(Pb.rawTensor("W", FLOAT, Pb.floats(squareWeight()), K, K)),
                List.of(Pb.valueInfo("x", FLOAT, -1, K)),
                List.of(Pb.valueInfo("a", FLOAT, -1, K), Pb.valueInfo("b", FLOAT, -1, K)));
        return write(file, g);
    }

    /** y = Relu(x·W) where the MatMul's output is already named {@code W_scale}, the name a quantizer would pick. */
    static Path outputNamedLikeAScale(Path file) throws IOException {
        Pb g = Pb.graph("taken_name",
                List.of(Pb.node("MatMul", "mm", new String[]{"x", "W"}, new String[]{"W_scale"}),
                        Pb.node("Relu", "relu", new String[]{"W_scale"}, new String[]{"y"})),
                List.of(Pb.rawTensor("W", FLOAT, Pb.floats(squareWeight()), K, K)),
                List.of(Pb.valueInfo("x", FLOAT, -1, K)),
                List.of(Pb.valueInfo("y", FLOAT, -1, K)));
        return write(file, g);
    }

    /** Two initializers both named W (invalid ONNX that a lenient reader lists as W and W#2). */
    static Path twoInitializersNamedW(Path file) throws IOException {
        Pb g = Pb.graph("dup",
                List.of(Pb.node("MatMul", "mm", new String[]{"x", "W"}, new String[]{"y"})),
                List.of(Pb.rawTensor("W", FLOAT, Pb.floats(squareWeight()), K, K),
                        Pb.rawTensor("W", FLOAT, Pb.floats(squareWeight()), K, K)),
                List.of(Pb.valueInfo("x", FLOAT, -1, K)),
                List.of(Pb.valueInfo("y", FLOAT, -1, K)));
        return write(file, g);
    }

    /**
     * y = Loop(M = 2^62, cond = true, v = x) with a body that adds 1 to v and keeps cond: a valid model whose one run
     * would take longer than the universe has left.
     */
    static Path endlessLoop(Path file, int width) throws IOException {
        Pb body = Pb.graph("body",
                List.of(Pb.node("Identity", "keep", new String[]{"cond_in"}, new String[]{"cond_out"}),
                        Pb.node("Add", "inc", new String[]{"v_in", "one"}, new String[]{"v_out"})),
                List.of(Pb.rawTensor("one", FLOAT, Pb.floats(1f), 1)),
                List.of(Pb.valueInfo("iter", INT64), Pb.valueInfo("cond_in", BOOL), Pb.valueInfo("v_in", FLOAT, -1, width)),
                List.of(Pb.valueInfo("cond_out", BOOL), Pb.valueInfo("v_out", FLOAT, -1, width)));
        Pb g = Pb.graph("endless",
                List.of(Pb.node("Loop", "loop", new String[]{"M", "cond", "x"}, new String[]{"y"}, Pb.graphAttribute("body", body))),
                List.of(Pb.rawTensor("M", INT64, Pb.longs(1L << 62)), Pb.rawTensor("cond", BOOL, new byte[]{1})),
                List.of(Pb.valueInfo("x", FLOAT, -1, width)),
                List.of(Pb.valueInfo("y", FLOAT, -1, width)));
        return write(file, g);
    }

    /** y = x·W with W [K, K] kept in the external data file {@code w.bin} beside {@code file}. */
    static Path externalData(Path file) throws IOException {
        Files.write(file.resolveSibling("w.bin"), Pb.floats(squareWeight()));
        Pb w = new Pb().varint(1, K).varint(1, K).varint(2, FLOAT).str(8, "W")
                .msg(13, new Pb().str(1, "location").str(2, "w.bin")).varint(14, 1); // data_location EXTERNAL
        Pb g = Pb.graph("external",
                List.of(Pb.node("MatMul", "mm", new String[]{"x", "W"}, new String[]{"y"})),
                List.of(w),
                List.of(Pb.valueInfo("x", FLOAT, -1, K)),
                List.of(Pb.valueInfo("y", FLOAT, -1, K)));
        return write(file, g);
    }

    private static Path write(Path file, Pb graph) throws IOException {
        return Files.write(file, Pb.model(graph).bytes());
    }
}
