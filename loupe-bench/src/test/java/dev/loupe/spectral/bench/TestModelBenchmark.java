package dev.loupe.spectral.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestModelBenchmark {
    @Test
    void thirtyTwoBlocksHaveLlama7bsParameterCount() {
        long n = 0;
        int matrices = 0;
        for (Map.Entry<String, long[]> e : ModelBenchmark.tensors(32)) {
            long c = 1;
            for (long d : e.getValue()) {
                c *= d;
            }
            n += c;
            matrices += e.getValue().length == 2 ? 1 : 0;
        }
        // LLaMA-7B: 6,738,415,616 parameters (Touvron et al. 2023 report "6.7B"; the exact count is that of
        // the released state dict with untied embed_tokens / lm_head), 32 x 7 + 2 matrices
        assertEquals(6_738_415_616L, n);
        assertEquals(226, matrices);
    }
}
