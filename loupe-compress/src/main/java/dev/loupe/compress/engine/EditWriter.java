package dev.loupe.compress.engine;

import dev.loupe.compress.write.LayerEdit;
import dev.loupe.compress.write.OnnxOutput;
import dev.loupe.compress.write.SafetensorsOutput;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/** Where {@link CompressRun}'s layer edits go: the ONNX or safetensors writer, and {@code --force}'s replacement of the input. */
final class EditWriter {
    private EditWriter() {
    }

    /**
     * Runs {@code work} with a sink for its edits and writes them: ONNX from the edits collected in memory (an ONNX
     * model is one protobuf, under 2 GB), safetensors streamed, each edit written as it comes ({@link SafetensorsOutput}),
     * so an LLM is compressed holding one layer's weights.
     */
    static Compressor.Outcome write(CompressRequest r, Checkpoint cp, boolean onnx, long opset,
                                            List<SafetensorsOutput.Planned> plan,
                                            Function<Consumer<LayerEdit>, Compressor.Outcome> work) {
        Path out = r.out();
        boolean overwrite = r.destination().force() && CompressRequest.sameFile(r.model(), out);
        // the writers refuse to write over their input; with --force write beside it, then rename over it
        Path target = overwrite ? out.resolveSibling("." + out.getFileName() + ".loupe-new") : out;
        Map<String, String> meta = new LinkedHashMap<>();
        CompressRequest.Goal g = r.goal();
        meta.put("loupe.compress", g.mode() + (r.prune() ? " sparsity=" : " bits=") + g.target() + " method=" + g.method()
                + " allocate=" + g.allocation());
        Compressor.Outcome outcome;
        if (onnx) {
            List<LayerEdit> edits = new ArrayList<>();
            outcome = work.apply(edits::add);
            OnnxOutput.write(r.model(), opset, edits, target);
        } else {
            try (SafetensorsOutput w = SafetensorsOutput.open(cp, plan, meta, target, r.destination().maxShardBytes())) {
                refuseInputShards(r, w);
                outcome = work.apply(w::accept);
                w.finish();
            }
        }
        if (overwrite) {
            try {
                try {
                    Files.move(target, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(target, out, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new LoupeException(out, "cannot replace the input: " + e.getMessage(), e);
            }
        }
        return outcome;
    }

    /** A shard of a sharded output must not be a file the input is read from (it would be replaced while mapped). */
    private static void refuseInputShards(CompressRequest r, SafetensorsOutput w) {
        java.util.Set<Path> inputs = Checkpoints.files(r.model());
        for (Path shard : w.files()) {
            for (Path in : inputs) {
                if (CompressRequest.sameFile(in, shard)) {
                    throw new LoupeException(r.out(), "its shard " + shard.getFileName() + " would overwrite " + in
                            + ", a file of the input; pick another --out");
                }
            }
        }
    }
}
