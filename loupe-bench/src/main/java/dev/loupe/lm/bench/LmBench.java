package dev.loupe.lm.bench;

import dev.loupe.core.LoupeException;
import dev.loupe.core.bench.PeakResident;
import dev.loupe.core.progress.Progress;
import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.forward.LinearObserver;
import dev.loupe.lm.perplexity.Convention;
import dev.loupe.lm.perplexity.Perplexity;
import dev.loupe.lm.perplexity.PerplexityResult;
import dev.loupe.linalg.openblas.NativeSgemm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * {@code loupe bench lm}: tokens/s of perplexity evaluation (llama.cpp's convention: chunks of n_ctx, one forward
 * pass each) on a generated LLaMA-shaped GGUF, against llama.cpp on the same file in the same run when its peer
 * harness is installed, else against the bare sgemm time of the same projections (the forward pass's floor).
 */
public final class LmBench {
    /** What to run. */
    public record Options(Path scratch, Path text, int layers, boolean f16, int ctx, int chunks, int threads, long seed) {
    }

    /** The measured figures. */
    public record Result(long parameters, long modelBytes, String dtype, int ctx, int chunks, int threads,
                         double generateSeconds, double loupeTokensPerSecond, String baseline, double baselineTokensPerSecond,
                         double ratio, long peakResidentBytes, String baselineCommand, String note) {
    }

    private LmBench() {
    }

    public static Result run(Options o, Progress progress) {
        RandomGguf.Shape shape = new RandomGguf.Shape(32000, 2048, o.layers(), 32, 4, 5632, 2048);
        NativeSgemm.load().setThreads(o.threads());
        Path gguf = o.scratch().resolve("bench-llama-" + (o.f16() ? "f16" : "f32") + ".gguf");
        Path text = o.scratch().resolve("bench-text.txt");
        long t0 = System.nanoTime();
        RandomGguf.write(gguf, shape, o.f16(), o.seed());
        double generate = (System.nanoTime() - t0) / 1e9;
        writeText(o.text(), text, o.ctx() * o.chunks());
        long bytes;
        double loupe;
        try {
            bytes = Files.size(gguf);
        } catch (IOException e) {
            throw new LoupeException(gguf, "cannot read size: " + e.getMessage(), e);
        }
        try (LanguageModel lm = LanguageModel.open(gguf)) {
            int[] ids = lm.tokenize(readString(text));
            PerplexityResult r = Perplexity.evaluate(lm, text.toString(), ids, Convention.LLAMA_CPP, o.ctx(), o.ctx(),
                    LinearObserver.NONE, progress);
            loupe = r.tokensPerSecond();
        }
        long rss = PeakResident.bytes();
        String why = LlamaCppPeer.unavailable().orElse(null);
        if (why == null) {
            try {
                LlamaCppPeer.Run p = LlamaCppPeer.run(gguf, text, o.ctx(), o.threads(), 1);
                return new Result(shape.parameters(), bytes, o.f16() ? "F16" : "F32", o.ctx(), o.chunks(), o.threads(), generate,
                        loupe, "llama.cpp (" + p.provenance() + ")", p.tokensPerSecond(), loupe / p.tokensPerSecond(), rss,
                        p.command(), "");
            } catch (IOException e) {
                why = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                why = "interrupted";
            }
        }
        double floor = sgemmFloor(shape, o.ctx());
        return new Result(shape.parameters(), bytes, o.f16() ? "F16" : "F32", o.ctx(), o.chunks(), o.threads(), generate, loupe,
                "sgemm only (the same projections and head on F32 weights)", floor, loupe / floor, rss, "",
                "llama.cpp not run: " + why);
    }

    /** Tokens/s if a chunk cost only its projection and head sgemms (no attention, norms, decoding). */
    static double sgemmFloor(RandomGguf.Shape s, int ctx) {
        NativeSgemm blas = NativeSgemm.load();
        int d = s.hidden();
        int kv = s.kvHeads() * (d / s.heads());
        int[][] shapes = {{d, d}, {kv, d}, {kv, d}, {d, d}, {s.ffn(), d}, {s.ffn(), d}, {d, s.ffn()}};
        Random r = new Random(1);
        float[] x = new float[ctx * Math.max(d, s.ffn())];
        float[] y = new float[ctx * Math.max(s.vocab(), s.ffn())];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() - 0.5f;
        }
        double seconds = 0;
        for (int[] sh : shapes) {
            float[] w = new float[sh[0] * sh[1]];
            Arrays.fill(w, 0.01f);
            long t0 = System.nanoTime();
            blas.sgemm(false, true, ctx, sh[0], sh[1], 1f, MemorySegment.ofArray(x), sh[1], MemorySegment.ofArray(w), sh[1], 0f,
                    MemorySegment.ofArray(y), sh[0]);
            seconds += (System.nanoTime() - t0) / 1e9 * s.layers();
        }
        float[] head = new float[s.vocab() * d];
        long t0 = System.nanoTime();
        blas.sgemm(false, true, ctx, s.vocab(), d, 1f, MemorySegment.ofArray(x), d, MemorySegment.ofArray(head), d, 0f,
                MemorySegment.ofArray(y), s.vocab());
        seconds += (System.nanoTime() - t0) / 1e9;
        return ctx / seconds;
    }

    /** The first {@code chars} printable ASCII characters of {@code from} (repeated if short): one byte-level token each. */
    private static void writeText(Path from, Path to, int chars) {
        String s = readString(from).replaceAll("[^\\x20-\\x7e\\n]", " ");
        StringBuilder b = new StringBuilder();
        while (b.length() < chars) {
            b.append(s);
        }
        try {
            Files.writeString(to, b.substring(0, chars));
        } catch (IOException e) {
            throw new LoupeException(to, "cannot write: " + e.getMessage(), e);
        }
    }

    private static String readString(Path p) {
        return dev.loupe.lm.perplexity.TextInput.read(p);
    }
}
