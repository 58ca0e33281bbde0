package dev.loupe.diff.lora;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEFT LoRA adapter folder: {@code adapter_config.json} beside {@code adapter_model.safetensors} (or
 * {@code adapter_model.bin}). Saved keys look like {@code base_model.model.<module>.lora_A.weight} (an adapter
 * name such as {@code .default} may sit before {@code .weight}); A is [r, in], B is [out, r].
 * Embedding and conv adapters are listed as not analyzed rather than misread.
 */
public final class LoraAdapter implements AutoCloseable {
    private static final Pattern KEY = Pattern.compile("^(?:base_model\\.model\\.)?(.+)\\.lora_([AB])(?:\\.[^.]+)?\\.weight$");
    private static final Pattern OTHER_LORA = Pattern.compile("\\.lora_(embedding_[AB]|magnitude_vector)");

    private final Path folder;
    private final LoraConfig config;
    private final Checkpoint weights;
    private final List<LoraModule> modules;
    private final List<String> skipped;

    private LoraAdapter(Path folder, LoraConfig config, Checkpoint weights, List<LoraModule> modules,
                        List<String> skipped) {
        this.folder = folder;
        this.config = config;
        this.weights = weights;
        this.modules = modules;
        this.skipped = skipped;
    }

    /** True when {@code path} is a folder holding an adapter config. */
    public static boolean isAdapter(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve("adapter_config.json"));
    }

    public static LoraAdapter open(Path folder) {
        LoraConfig config = LoraConfig.read(folder.resolve("adapter_config.json"));
        Path file = folder.resolve("adapter_model.safetensors");
        if (!Files.isRegularFile(file)) {
            file = folder.resolve("adapter_model.bin");
        }
        if (!Files.isRegularFile(file)) {
            throw new LoupeException(folder, "no adapter_model.safetensors or adapter_model.bin beside adapter_config.json");
        }
        Checkpoint cp = Checkpoints.open(file);
        try {
            Map<String, Tensor[]> byModule = new LinkedHashMap<>();
            List<String> skipped = new ArrayList<>();
            for (Tensor t : cp.tensors()) {
                Matcher m = KEY.matcher(t.name());
                if (m.matches()) {
                    byModule.computeIfAbsent(m.group(1), k -> new Tensor[2])[m.group(2).equals("A") ? 0 : 1] = t;
                } else if (OTHER_LORA.matcher(t.name()).find()) {
                    skipped.add(t.name() + " (embedding/DoRA adapter: not analyzed)");
                }
            }
            List<LoraModule> modules = new ArrayList<>();
            for (Map.Entry<String, Tensor[]> e : byModule.entrySet()) {
                modules.add(module(file, config, e.getKey(), e.getValue(), skipped));
            }
            modules.removeIf(m -> m == null);
            if (modules.isEmpty()) {
                throw new LoupeException(file, "no lora_A/lora_B weight pairs found");
            }
            return new LoraAdapter(folder, config, cp, modules, skipped);
        } catch (RuntimeException e) {
            cp.close();
            throw e;
        }
    }

    private static LoraModule module(Path file, LoraConfig config, String name, Tensor[] ab, List<String> skipped) {
        if (ab[0] == null || ab[1] == null) {
            throw new LoupeException(file, "module '" + name + "' has lora_" + (ab[0] == null ? "B" : "A")
                    + " but no lora_" + (ab[0] == null ? "A" : "B"));
        }
        Tensor a = ab[0];
        Tensor b = ab[1];
        if (a.rank() != 2 || b.rank() != 2) {
            skipped.add(name + " (conv adapter " + a.rank() + "-D: not analyzed)");
            return null;
        }
        int r = config.rankOf(name);
        if (a.dim(0) != r || b.dim(1) != r) {
            throw new LoupeException(file, "module '" + name + "': lora_A " + shape(a) + " and lora_B " + shape(b)
                    + " do not have the rank r = " + r + " of " + config.file().getFileName());
        }
        return new LoraModule(name, a, b, r, config.scaleOf(name));
    }

    private static String shape(Tensor t) {
        return java.util.Arrays.toString(t.shape());
    }

    public Path folder() {
        return folder;
    }

    public Path weightsFile() {
        return weights.source();
    }

    public LoraConfig config() {
        return config;
    }

    public List<LoraModule> modules() {
        return List.copyOf(modules);
    }

    /** Adapter tensors present but not analyzed, with the reason. */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    @Override
    public void close() {
        weights.close();
    }
}
