package dev.loupe.compress.engine;

import dev.loupe.core.LoupeException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Everything {@code loupe compress} was asked to do. The constructor refuses every combination that makes
 * no sense, before any file is read, with a one-line reason.
 *
 * @param model      input checkpoint
 * @param out        output file (null only for a dry run)
 * @param force      allow {@code out} to be the input (still written atomically)
 * @param dryRun     allocate and report, write nothing
 * @param sparsity   target mean sparsity (null when quantizing)
 * @param bits       target mean bits (null when pruning)
 * @param allocate   uniform | alpha | owl (sparsity) ; uniform | knapsack | greedy (bits)
 * @param method     magnitude | wanda | nm (pruning only)
 * @param nmN        N of N:M
 * @param nmM        M of N:M
 * @param epsilon    AlphaPruning's ε
 * @param group      quantization group size: null for the format's default, 0 per channel, −1 per tensor
 * @param asymmetric asymmetric codes
 * @param outliers   fraction of weights kept in full precision (dense-and-sparse)
 * @param norms      JSON file of Wanda input-channel norms (layer name → array), or null
 * @param positions  tokens or samples per inference for the memory-wall estimate
 * @param hardware   JSON file of extra hardware profiles, or null
 * @param embeddings also quantize lookup tables (embeddings)
 * @param blockWise  AlphaPruning's block-wise metric averaging
 * @param skip       layers left untouched: a regex found in the weight or ONNX node name, or null
 * @param data       evaluation / calibration data (never null; may be empty)
 * @param eval       evaluate original and compressed model on {@code data}
 * @param calibrationSamples examples (or sentences) used to collect Wanda's norms
 * @param lowRank    rank of the low-rank quantization-error compensation (0: none; in ONNX next to MatMulNBits only)
 */
public record CompressRequest(Path model, Path out, boolean force, boolean dryRun, Double sparsity, Double bits,
                              String allocate, String method, int nmN, int nmM, double epsilon, Integer group,
                              boolean asymmetric, double outliers, Path norms, long positions, Path hardware,
                              boolean embeddings, boolean blockWise, java.util.regex.Pattern skip, EvalData data,
                              boolean eval, int calibrationSamples, int lowRank) {
    public CompressRequest {
        data = data == null ? new EvalData(null, null, null, null) : data;
        boolean onnxModel = model.getFileName().toString().endsWith(".onnx");
        if ((sparsity == null) == (bits == null)) {
            throw new LoupeException("give exactly one of --sparsity S (prune) or --bits B (quantize)");
        }
        boolean prune = sparsity != null;
        allocate = allocate == null ? "uniform" : allocate.toLowerCase(Locale.ROOT);
        method = method == null ? (prune ? "magnitude" : "rtn") : method.toLowerCase(Locale.ROOT);
        if (prune) {
            if (!(sparsity >= 0 && sparsity < 1)) {
                throw new LoupeException("--sparsity must be in [0, 1), got " + sparsity);
            }
            if (!allocate.equals("uniform") && !allocate.equals("alpha") && !allocate.equals("owl")) {
                throw new LoupeException("--allocate " + allocate + " is for --bits; pruning takes uniform, alpha or owl");
            }
            if (!method.equals("magnitude") && !method.equals("wanda") && !method.equals("nm")) {
                throw new LoupeException("--method must be magnitude, wanda or nm, got " + method);
            }
            if (method.equals("nm")) {
                if (nmN < 1 || nmM <= nmN) {
                    throw new LoupeException("--nm N:M needs 1 <= N < M, got " + nmN + ":" + nmM);
                }
                if (Math.abs(sparsity - (1 - (double) nmN / nmM)) > 1e-9) {
                    throw new LoupeException("--method nm " + nmN + ":" + nmM + " prunes exactly " + (1 - (double) nmN / nmM)
                            + "; --sparsity " + sparsity + " contradicts it");
                }
                if (!allocate.equals("uniform")) {
                    throw new LoupeException("--method nm fixes every layer at 1 - N/M; --allocate " + allocate + " cannot vary it");
                }
            }
            if (blockWise && !allocate.equals("alpha")) {
                throw new LoupeException("--block-wise averages the alpha metric; it needs --allocate alpha");
            }
            boolean needsNorms = method.equals("wanda") || allocate.equals("owl");
            if (needsNorms && norms == null && !(data.present() && onnxModel)) {
                throw new LoupeException((allocate.equals("owl") ? "--allocate owl" : "--method wanda")
                        + " needs input-activation norms: calibration data on an ONNX model (--data X or --text FILE) or --norms FILE.json");
            }
            if (!needsNorms && norms != null) {
                throw new LoupeException("--norms is only used by --method wanda and --allocate owl");
            }
            if (group != null || asymmetric || outliers != 0 || embeddings || lowRank != 0) {
                throw new LoupeException("--group, --asymmetric, --outliers, --lowrank and --embeddings are quantization options; "
                        + "drop them or use --bits");
            }
        } else {
            if (!(bits >= 2 && bits <= 8)) {
                throw new LoupeException("--bits must be in [2, 8], got " + bits);
            }
            if (!allocate.equals("uniform") && !allocate.equals("knapsack") && !allocate.equals("greedy")) {
                throw new LoupeException("--allocate " + allocate + " does not apply to --bits; use uniform, knapsack or greedy");
            }
            if (allocate.equals("uniform") && bits != Math.rint(bits)) {
                throw new LoupeException("--allocate uniform needs whole --bits; fractional averages need knapsack or greedy");
            }
            if (!method.equals("rtn")) {
                throw new LoupeException("--method " + method + " is a pruning method; quantization is round-to-nearest (rtn)");
            }
            if (norms != null) {
                throw new LoupeException("--norms is only used by --method wanda");
            }
            if (blockWise) {
                throw new LoupeException("--block-wise applies to --allocate alpha (pruning)");
            }
            if (group != null && group < -1) {
                throw new LoupeException("--group must be a size >= 1, 0 (per channel) or -1 (per tensor), got " + group);
            }
            if (lowRank < 0) {
                throw new LoupeException("--lowrank must be >= 0, got " + lowRank);
            }
            if (!(outliers >= 0 && outliers < 0.5)) {
                throw new LoupeException("--outliers must be a fraction in [0, 0.5), got " + outliers);
            }
        }
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new LoupeException("--epsilon must be in [0, 1], got " + epsilon);
        }
        if (positions < 1) {
            throw new LoupeException("--positions must be >= 1, got " + positions);
        }
        if (eval && !data.present()) {
            throw new LoupeException("--eval needs data: --data X --labels Y (classifier) or --text FILE (encoder)");
        }
        if (eval && !onnxModel) {
            throw new LoupeException("--eval runs the model in ONNX Runtime; it needs an .onnx model");
        }
        if (eval && dryRun) {
            throw new LoupeException("--eval evaluates the written model; drop --dry-run");
        }
        if (data.present() && !eval && !(prune && (method.equals("wanda") || allocate.equals("owl")))) {
            throw new LoupeException("--data/--text are used by --eval, --method wanda or --allocate owl; add one of them");
        }
        if (calibrationSamples < 1) {
            throw new LoupeException("--calibration-samples must be >= 1, got " + calibrationSamples);
        }
        if (dryRun && out != null) {
            throw new LoupeException("--dry-run writes nothing; drop --out (or --dry-run)");
        }
        if (!dryRun && out == null) {
            throw new LoupeException("say where to write: --out FILE (or --dry-run to see the allocation only)");
        }
        if (!Files.exists(model)) {
            throw new LoupeException(model, "no such file or directory");
        }
        if (out != null) {
            String o = out.getFileName().toString();
            boolean onnxIn = model.getFileName().toString().endsWith(".onnx");
            if (onnxIn ? !o.endsWith(".onnx") : !o.endsWith(".safetensors")) {
                throw new LoupeException(out, "the output must be " + (onnxIn ? ".onnx (the input is ONNX)" : ".safetensors"));
            }
            if (!force && sameFile(model, out)) {
                throw new LoupeException(out, "output would overwrite the input; pick another --out or add --force");
            }
        }
    }

    public boolean prune() {
        return sparsity != null;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            throw new LoupeException(b, "cannot check output path: " + e.getMessage(), e);
        }
    }
}
