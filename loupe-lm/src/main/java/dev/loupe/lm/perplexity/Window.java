package dev.loupe.lm.perplexity;

import java.util.ArrayList;
import java.util.List;

/**
 * One forward pass of an evaluation: tokens {@code [begin, begin+length)} of the text, whose predictions at window
 * positions {@code firstScored .. length-2} are scored (position p predicts window token p+1). {@code bos} ≥ 0
 * replaces the window's first token (llama.cpp).
 */
public record Window(int begin, int length, int firstScored, int bos) {
    public int scored() {
        return length - 1 - firstScored;
    }

    /** The windows of {@code convention} over {@code n} tokens. */
    public static List<Window> plan(Convention convention, int n, int context, int stride, int bos) {
        List<Window> out = new ArrayList<>();
        if (convention == Convention.LLAMA_CPP) {
            for (int i = 0; i < n / context; i++) {
                out.add(new Window(i * context, context, context / 2, bos));
            }
            return out;
        }
        int prevEnd = 0;
        for (int begin = 0; begin < n; begin += stride) {
            int end = Math.min(begin + context, n);
            int target = end - prevEnd;
            out.add(new Window(begin, end - begin, Math.max(0, end - begin - target - 1), -1));
            prevEnd = end;
            if (end == n) {
                break;
            }
        }
        return out;
    }
}
