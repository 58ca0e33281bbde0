package dev.loupe.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The report renders result records only: its class path (this test's) must hold neither ONNX Runtime, OpenBLAS
 * (JavaCPP), the DJL tokenizers nor Spark, which loupe-report's pom excludes from the analysis modules it reads the
 * records of. Every other test of this module renders a page under that class path.
 */
class TestNoNativeClassPath {
    @Test
    void nativeRuntimesAreNotOnTheReportsClassPath() {
        for (String c : List.of("ai.onnxruntime.OrtEnvironment", "org.bytedeco.openblas.global.openblas",
                "org.bytedeco.javacpp.Loader", "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer",
                "org.apache.spark.sql.SparkSession", "org.duckdb.DuckDBConnection")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(c, false, getClass().getClassLoader()), c);
        }
    }
}
