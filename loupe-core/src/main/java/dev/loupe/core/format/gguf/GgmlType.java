package dev.loupe.core.format.gguf;

import dev.loupe.core.tensor.DType;

import java.util.Map;
import java.util.Optional;

/**
 * ggml tensor type ids ({@code enum ggml_type} in ggml.h) and the DType each decodes to. Ids ggml
 * defines but Loupe cannot dequantize (the IQ and TQ families) are named so errors can say which.
 */
final class GgmlType {
    private static final Map<Integer, DType> SUPPORTED = Map.ofEntries(
            Map.entry(0, DType.F32), Map.entry(1, DType.F16), Map.entry(2, DType.Q4_0), Map.entry(3, DType.Q4_1),
            Map.entry(6, DType.Q5_0), Map.entry(7, DType.Q5_1), Map.entry(8, DType.Q8_0), Map.entry(9, DType.Q8_1),
            Map.entry(10, DType.Q2_K), Map.entry(11, DType.Q3_K), Map.entry(12, DType.Q4_K), Map.entry(13, DType.Q5_K),
            Map.entry(14, DType.Q6_K), Map.entry(15, DType.Q8_K), Map.entry(24, DType.I8), Map.entry(25, DType.I16),
            Map.entry(26, DType.I32), Map.entry(27, DType.I64), Map.entry(28, DType.F64), Map.entry(30, DType.BF16));

    private static final Map<Integer, String> UNSUPPORTED = Map.ofEntries(
            Map.entry(16, "IQ2_XXS"), Map.entry(17, "IQ2_XS"), Map.entry(18, "IQ3_XXS"), Map.entry(19, "IQ1_S"),
            Map.entry(20, "IQ4_NL"), Map.entry(21, "IQ3_S"), Map.entry(22, "IQ2_S"), Map.entry(23, "IQ4_XS"),
            Map.entry(29, "IQ1_M"), Map.entry(34, "TQ1_0"), Map.entry(35, "TQ2_0"));

    private GgmlType() {
    }

    static Optional<DType> dtype(long id) {
        return id >= 0 && id <= Integer.MAX_VALUE ? Optional.ofNullable(SUPPORTED.get((int) id)) : Optional.empty();
    }

    /** The ggml name of a defined but unsupported id, if it is one. */
    static Optional<String> unsupportedName(long id) {
        return id >= 0 && id <= Integer.MAX_VALUE ? Optional.ofNullable(UNSUPPORTED.get((int) id)) : Optional.empty();
    }

    /** The ggml id of a DType Loupe reads from GGUF (used by writers and tests). */
    static int id(DType t) {
        return SUPPORTED.entrySet().stream().filter(e -> e.getValue() == t).mapToInt(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(t + " has no ggml type id"));
    }
}
