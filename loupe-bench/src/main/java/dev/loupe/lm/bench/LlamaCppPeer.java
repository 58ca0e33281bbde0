package dev.loupe.lm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The llama.cpp peer (peers/llama-cpp/llama_perplexity.mjs on node-llama-cpp 3.21.1, prebuilt llama.cpp): found when
 * the script, {@code node} and an installed node-llama-cpp (the script's .node folder or {@code NLC_DIR}) are all
 * there; run as a child process on the same GGUF, text, n_ctx and threads; its JSON read back.
 */
final class LlamaCppPeer {
    static final Path SCRIPT = Path.of("peers", "llama-cpp", "llama_perplexity.mjs");

    /** What llama.cpp reported, and the command that produced it. */
    record Run(double tokensPerSecond, int chunks, String provenance, String command) {
    }

    private LlamaCppPeer() {
    }

    /** Why the peer cannot run here, or empty when it can. */
    static Optional<String> unavailable() {
        if (!Files.isRegularFile(SCRIPT)) {
            return Optional.of(SCRIPT + " not found (run from the repository root)");
        }
        String dir = System.getenv("NLC_DIR");
        Path nlc = (dir != null ? Path.of(dir) : SCRIPT.resolveSibling(".node")).resolve("node_modules/node-llama-cpp/package.json");
        if (!Files.isRegularFile(nlc)) {
            return Optional.of("node-llama-cpp is not installed (bash peers/llama-cpp/setup.sh, or set NLC_DIR)");
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.empty() : Optional.of("node does not run");
        } catch (IOException e) {
            return Optional.of("node is not on the PATH");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** Runs llama.cpp's throughput pass (best of {@code repeat}). */
    static Run run(Path gguf, Path text, int ctx, int threads, int repeat) throws IOException, InterruptedException {
        List<String> cmd = List.of("node", SCRIPT.toString(), "--gguf", gguf.toString(), "--text", text.toString(), "--ctx",
                String.valueOf(ctx), "--threads", String.valueOf(threads), "--repeat", String.valueOf(repeat), "--throughput-only", "true");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
            throw new IOException("llama.cpp peer failed (exit " + p.exitValue() + "): " + out.lines().findFirst().orElse(""));
        }
        JsonNode r = new ObjectMapper().readTree(out);
        return new Run(r.path("throughput").path("tokens_per_second").asDouble(), r.path("chunks").asInt(),
                r.path("provenance").path("peer").asText(), String.join(" ", cmd));
    }
}
