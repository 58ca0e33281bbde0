package dev.loupe.cli;

import dev.loupe.compress.gguf.GgufFileType;
import dev.loupe.compress.gguf.GgufOptions;
import dev.loupe.compress.gguf.GgufRequantizer;
import dev.loupe.compress.gguf.HfToGguf;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code loupe convert}: a Hugging Face decoder LM folder as a GGUF file that llama.cpp loads. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Write a Hugging Face LLaMA/Mistral, Qwen2 or GPT-2 folder (config.json, *.safetensors, tokenizer.json) "
                + "as a GGUF file for llama.cpp: tensor names, layouts and metadata as llama.cpp's convert_hf_to_gguf.py writes "
                + "them (LLaMA q/k rows permuted to llama.cpp's rope order, GPT-2 Conv1D weights transposed, the byte-level BPE "
                + "vocabulary and merges as tokenizer.ggml.*), every 2-D weight quantized with ports of ggml's reference "
                + "quantizers (quantize_row_q8_0_ref ... quantize_row_q6_K_ref, byte-identical to llama.cpp's). Q4_K_M and "
                + "Q5_K_M choose per-tensor types as llama-quantize does (llama_tensor_get_type: Q6_K output and some attn_v/"
                + "ffn_down); the pure K types give every weight that type. Rows that are not whole 256-element super-blocks "
                + "fall back as llama.cpp does (Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0) and the output line says how many "
                + "tensors got each type. Norms, biases and position embeddings stay F32, as in convert_hf_to_gguf.py. "
                + "Tensors are converted one at a time, so memory holds one tensor, not the model. A .gguf input (llama, qwen2, "
                + "gpt2) is re-quantized as llama-quantize --allow-requantize does: its weights dequantized and quantized to "
                + "TYPE, everything else copied."})
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "Hugging Face model folder, or a .gguf file to re-quantize.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE.gguf", description = "GGUF file to write (atomically).")
    Path out;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "Q8_0",
            description = "Type of the 2-D weights: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    GgufFileType type;

    @CommandLine.Mixin
    QuietOption quiet;

    @CommandLine.Mixin
    JsonOption json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        OutputPaths.file(out, model);
        HfToGguf.Result r = model.toString().endsWith(".gguf")
                ? GgufRequantizer.requantize(model, out, GgufOptions.of(type), quiet.progress(json.enabled()))
                : HfToGguf.convert(model, out, type, quiet.progress(json.enabled()));
        PrintWriter w = spec.commandLine().getOut();
        if (!json.print(r, w)) {
            printWritten(r, w);
        }
        w.flush();
        return 0;
    }

    /** The written file's line, and how many weights fell back from their intended type (also for compress --out x.gguf). */
    public static void printWritten(HfToGguf.Result r, PrintWriter w) {
        w.printf("wrote %s: %s %s, %d tensors, %.1f MB of tensor data (%s)%n", r.out(), r.architecture(), r.type(),
                r.tensors(), r.bytes() / 1e6, r.storedTypes());
        if (r.fallbacks() > 0) {
            w.printf("%d weight(s) have rows that are not whole blocks of their intended type: stored as llama.cpp's "
                    + "fallback (Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0; F32 for the 32-element types)%n", r.fallbacks());
        }
    }
}
