package dev.loupe.cli;

import dev.loupe.lm.CausalLm;
import dev.loupe.lm.forward.LinearObserver;
import dev.loupe.lm.perplexity.EvalRequest;
import dev.loupe.lm.perplexity.PerplexityResult;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** Prints a decoder LM's perplexity for {@code eval} (and the before/after lines of {@code compress --eval}). */
final class LmEval {
    private final PrintWriter out;
    private final JsonOption json;

    LmEval(PrintWriter out, JsonOption json) {
        this.out = out;
        this.json = json;
    }

    int perplexity(Path model, EvalRequest request) {
        return perplexity(CausalLm.open(model), request);
    }

    /** Evaluates {@code model} and closes it. */
    int perplexity(CausalLm model, EvalRequest request) {
        try (CausalLm lm = model) {
            PerplexityResult r = request.run(lm, LinearObserver.NONE, TerminalProgress.forTerminal(json.enabled(), "tokens"));
            if (!json.print(r, out)) {
                out.println(line(r));
            }
        }
        return 0;
    }

    static String line(PerplexityResult r) {
        String windows = r.convention().equals("llama_cpp")
                ? String.format(Locale.ROOT, "%d chunks of %d, llama.cpp convention", r.windows(), r.context())
                : String.format(Locale.ROOT, "%d windows of %d, stride %d", r.windows(), r.context(), r.stride());
        return String.format(Locale.ROOT, "%s on %s: perplexity %.4f, mean NLL %.6f per token (%d of %d tokens scored; %s)  [%.1f tokens/s, %.2f s]",
                r.model(), r.text(), r.perplexity(), r.meanNll(), r.tokensScored(), r.textTokens(), windows, r.tokensPerSecond(), r.seconds());
    }
}
