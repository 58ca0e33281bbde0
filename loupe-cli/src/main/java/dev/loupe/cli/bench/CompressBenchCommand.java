package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.cli.TerminalProgress;
import dev.loupe.compress.bench.CompressBenchmark;
import dev.loupe.compress.bench.ModelCompressBenchmark;
import dev.loupe.linalg.Backends;
import dev.loupe.compress.bench.SecondOrderBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe bench compress}: pruning and RTN kernels on LLaMA-7B-shaped F32 matrices, against a copy and a sort. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = {"Time the compression kernels on synthetic F32 matrices of 4096x4096 and 4096x11008.",
                "Magnitude pruning (50 %%, one ranking per layer), 2:4, RTN int8 and int4 with groups of 128, each "
                        + "as a ratio to a plain copy and to a full sort of |W| of the same matrix in the same run "
                        + "(best of --runs, one thread).",
                "Then GPTQ (int4, groups of 128, with and without act-order) and SparseGPT (50 %%, 2:4) on one "
                        + "4096x11008 layer with the XᵀX of 128x2048 calibration tokens (a Wishart sample, see --second-order), "
                        + "as ratios to RTN int4 g128 of the same weights and to one Cholesky factorization of the same XᵀX "
                        + "(all cores; several minutes on two cores).",
                "--model: instead, write the LLaMA-7B-shaped BF16 checkpoint of 'bench inspect --model' (--blocks blocks, "
                        + "one safetensors shard per block and an index; 32 blocks = ~13.5 GB), with a LLaMA config.json and a small "
                        + "real tokenizer.json so loupe-lm can run it, into a temp dir and compress it "
                        + "end to end with loupe compress's engine for each --jobs entry, into Hugging Face shards (5 GB), layer by "
                        + "layer; print each job's wall and CPU time, the share of the layer loop, the peak heap and the output "
                        + "size, and one layer of each shape timed in the same run (decode, kernel, encode); for calibrated jobs "
                        + "the seconds of the block-by-block walk split into forward passes, XᵀX, kernels and writing. The folder is "
                        + "deleted afterwards. Set the heap with LOUPE_HEAP (e.g. 6g); needs twice the checkpoint's size on disk."})
public final class CompressBenchCommand implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "5", paramLabel = "N", description = "Runs per kernel; the best counts (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(paramLabel = "SEED", names = "--seed", defaultValue = "1", description = "Seed of the synthetic weights (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--second-order", defaultValue = "4096x11008", paramLabel = "ROWSxCOLS",
            description = "Layer shape [out x in] for the GPTQ/SparseGPT part, or 'none' to skip it (default ${DEFAULT-VALUE}).")
    String secondOrder;

    @Option(names = "--tokens", defaultValue = "262144", paramLabel = "N",
            description = "Calibration tokens behind the XᵀX (default ${DEFAULT-VALUE} = 128 x 2048).")
    long tokens;

    @Option(names = "--second-order-runs", defaultValue = "1", paramLabel = "N",
            description = "Runs of each GPTQ/SparseGPT kernel; the best counts (default ${DEFAULT-VALUE}).")
    int obsRuns;

    @Option(names = "--model", description = "Compress a whole generated LLaMA-7B-shaped checkpoint end to end instead of timing kernels.")
    boolean model;

    @Option(names = "--blocks", defaultValue = "32", paramLabel = "1..32", description = "Transformer blocks of the --model "
            + "checkpoint (default: ${DEFAULT-VALUE}, the 7B shape; fewer for a quicker run).")
    int blocks;

    @Option(names = "--jobs", split = ",", defaultValue = "RTN4,MAGNITUDE50", paramLabel = "JOB",
            description = "With --model, comma-separated: RTN4 (int4, groups of 128), MAGNITUDE50 (50 %% unstructured), KNAPSACK4 "
                    + "(bits per layer 2..8 by the knapsack, mean 4), and, calibrated on --calibration by loupe-lm's forward pass "
                    + "one block at a time: GPTQ4 (int4, groups of 128, sequential through the blocks already quantized), "
                    + "SPARSEGPT50 (50 %% unstructured, sequential), WANDA50 (50 %% per row, one pass for the norms) "
                    + "(default: ${DEFAULT-VALUE}).")
    List<ModelCompressBenchmark.Job> jobs;

    @Option(names = "--calibration", defaultValue = "fixtures/lm/calibration.txt", paramLabel = "TEXT",
            description = "With --model, the calibration text of GPTQ4, SPARSEGPT50 and WANDA50, repeated until it fills the "
                    + "windows (the weights are random: only the amount of work matters) (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path calibration;

    @Option(names = "--context", defaultValue = "512", paramLabel = "T",
            description = "With --model, tokens per calibration window (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--calibration-samples", paramLabel = "N",
            description = "With --model, calibration windows (default: the fewest whose tokens cover down_proj's 11008 inputs, "
                    + "which GPTQ and SparseGPT need for a definite XᵀX: 22 windows of 512).")
    Integer windows;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (model) {
            return model();
        }
        if (runs < 1 || runs > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be 1..100");
        }
        int[] obs = secondOrder.equals("none") ? null : shape(secondOrder);
        PrintWriter out = spec.commandLine().getOut();
        for (int[] shape : CompressBenchmark.SHAPES) {
            CompressBenchmark.Result r = CompressBenchmark.run(shape[0], shape[1], runs, seed);
            out.printf(Locale.ROOT, "%dx%d F32 (%s): copy %.3f s, sort |W| %.3f s (sort/copy %.1f)%n", r.rows(), r.cols(),
                    Table.bytes(r.bytes()), r.copySeconds(), r.sortSeconds(), r.sortSeconds() / r.copySeconds());
            Table t = new Table("kernel", "seconds", "x copy", "x sort |W|");
            for (CompressBenchmark.Kernel k : r.kernels()) {
                t.row(k.name(), Table.num(k.seconds(), 3), Table.num(k.vsCopy(), 1), Table.num(k.vsSort(), 2));
            }
            t.print(out);
            out.println();
        }
        out.println("x copy / x sort: kernel time divided by the same matrix's copy / full sort of |W| in this run");
        if (obs != null) {
            out.println();
            out.flush();
            SecondOrderBenchmark.Result r = SecondOrderBenchmark.run(obs[0], obs[1], tokens, obsRuns, seed);
            out.printf(Locale.ROOT, "%dx%d F32 layer, XᵀX of %d tokens (Wishart sample, %.1f s to draw): RTN int4 g128 %.3f s, "
                    + "Cholesky of XᵀX %.3f s%n", r.rows(), r.cols(), r.tokens(), r.setupSeconds(), r.rtnSeconds(), r.choleskySeconds());
            Table t = new Table("kernel", "seconds", "x RTN", "x Cholesky");
            for (SecondOrderBenchmark.Kernel k : r.kernels()) {
                t.row(k.name(), Table.num(k.seconds(), 3), Table.num(k.vsRtn(), 1), Table.num(k.vsCholesky(), 2));
            }
            t.print(out);
            out.println("x RTN / x Cholesky: time divided by RTN int4 g128 of the same weights / one Cholesky of the same XᵀX "
                    + "in this run (GPTQ and SparseGPT include their inverse-Hessian factor); best of "
                    + (obsRuns) + " run(s), all cores");
        }
        out.flush();
        return 0;
    }

    private int model() throws IOException {
        if (blocks < 1 || blocks > 32) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--blocks must be 1..32");
        }
        if (context < 1 || context > 2048) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--context must be 1..2048 (the config's positions)");
        }
        if (windows != null && windows < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--calibration-samples must be >= 1");
        }
        var calib = new ModelCompressBenchmark.Calibration(calibration, context,
                windows != null ? windows : ModelCompressBenchmark.Calibration.fewestWindows(context));
        if (jobs.stream().anyMatch(ModelCompressBenchmark.Job::calibrated) && !java.nio.file.Files.isRegularFile(calibration)) {
            throw new dev.loupe.core.LoupeException(calibration, "no such file (--calibration: run from the repository root, or give a text)");
        }
        PrintWriter out = spec.commandLine().getOut();
        java.io.PrintStream err = System.err;
        try (ScratchDir dir = ScratchDir.create("loupe-bench-compress-model")) {
            ModelCompressBenchmark.Result r = ModelCompressBenchmark.run(dir.path(), blocks, jobs, calib, Backends.best(),
                    TerminalProgress.forTerminal(false), m -> err.println("bench compress --model: " + m));
            out.printf(Locale.ROOT, "checkpoint: %d blocks + embeddings + head, %s BF16 in %d shards, written in %.0f s; "
                    + "max heap %s, %d cores%n", r.blocks(), Table.bytes(r.inputBytes()), r.inputShards(), r.writeSeconds(),
                    Table.bytes(r.maxHeapBytes()), Runtime.getRuntime().availableProcessors());
            Table t = new Table("job", "layers", "wall s", "CPU s", "layer loop s", "rest s", "peak heap", "old gen peak",
                    "live after full GC", "full GCs", "output", "files", "load before", "load after");
            for (ModelCompressBenchmark.Run x : r.runs()) {
                t.row(x.job().label(), Integer.toString(x.layers()), Table.num(x.wallSeconds(), 1), Table.num(x.cpuSeconds(), 1),
                        Table.num(x.loopSeconds(), 1), Table.num(x.wallSeconds() - x.loopSeconds(), 1), Table.bytes(x.peakHeapBytes()),
                        Table.bytes(x.oldGenPeakBytes()), x.collections() == 0 ? "-" : Table.bytes(x.liveAfterGcBytes()), Integer.toString(x.collections()),
                        Table.bytes(x.outputBytes()), Integer.toString(x.outputFiles()),
                        x.loadBefore(), x.loadAfter());
            }
            t.print(out);
            if (r.repeats() > 0) {
                out.printf(Locale.ROOT, "calibration: %d windows of %d tokens from %s%s%n", r.calibration().windows(),
                        r.calibration().context(), r.calibration().text(), r.repeats() > 1 ? " (repeated " + r.repeats() + " times)" : "");
            }
            for (ModelCompressBenchmark.Run x : r.runs()) {
                if (x.blockTimes() != null) {
                    out.println(x.job().label() + ": " + x.blockTimes());
                }
            }
            Table p = new Table("job", "shape", "count", "decode s", "kernel s", "encode s", "x count: decode", "kernel", "encode");
            for (ModelCompressBenchmark.Run x : r.runs()) {
                for (ModelCompressBenchmark.Part q : x.parts()) {
                    p.row(x.job().label(), q.shape(), Integer.toString(q.count()), Table.num(q.decodeSeconds(), 3),
                            Table.num(q.kernelSeconds(), 3), Table.num(q.encodeSeconds(), 3), Table.num(q.decodeSeconds() * q.count(), 1),
                            Table.num(q.kernelSeconds() * q.count(), 1), Table.num(q.encodeSeconds() * q.count(), 1));
                }
            }
            if (r.runs().stream().anyMatch(x -> !x.parts().isEmpty())) {
                out.println();
                p.print(out);
            }
            out.printf(Locale.ROOT, "peak heap: the heap pools' peaks summed (reset before each job; an upper bound); old gen peak: "
                    + "the old generation's; live after full GC: the most heap in use right after a "
                    + "full collection (the live set then; none when the heap never filled); layer loop: read, compress and write every layer (the rest: opening, allocation, copying "
                    + "the tensors left as they are, renames); parts x count: one layer of each shape timed in this run; the loop "
                    + "minus their sum is I/O and page faults. Process peak RSS (VmHWM, mapped file pages included): %s%n",
                    Table.bytes(r.vmHwmBytes()));
            out.flush();
        }
        return 0;
    }

    private int[] shape(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            int[] d = {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
            if (p.length == 2 && d[0] >= 1 && d[1] >= 1 && d[1] <= tokens) {
                return d;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "--second-order must be ROWSxCOLS with COLS <= --tokens, or none; got " + s);
    }
}
