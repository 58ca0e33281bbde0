package dev.loupe.diff.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of PEFT's {@code adapter_config.json} that define the update: rank r, lora_alpha, use_rslora and the
 * per-module overrides rank_pattern / alpha_pattern (keys matched as PEFT does: the module name, or its suffix
 * after a dot).
 *
 * @param file         the config file (for messages)
 * @param r            default rank
 * @param alpha        default lora_alpha
 * @param rsLora       scale α/√r instead of α/r
 * @param rankPattern  per-module rank overrides
 * @param alphaPattern per-module alpha overrides
 */
public record LoraConfig(Path file, int r, double alpha, boolean rsLora, Map<String, Integer> rankPattern,
                         Map<String, Double> alphaPattern) {
    private static final long MAX_BYTES = 1 << 20;

    public static LoraConfig read(Path file) {
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new LoupeException(file, "adapter config larger than 1 MiB");
            }
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new LoupeException(file, "not a readable JSON adapter config (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new LoupeException(file, "not a JSON object");
        }
        String type = root.path("peft_type").asText("LORA");
        if (!type.equalsIgnoreCase("LORA")) {
            throw new LoupeException(file, "peft_type " + type + " is not supported (LORA only)");
        }
        int r = positiveInt(file, root, "r");
        JsonNode a = root.get("lora_alpha");
        if (a == null || !a.isNumber() || !(a.asDouble() > 0) || !Double.isFinite(a.asDouble())) {
            throw new LoupeException(file, "field 'lora_alpha' missing or not a positive number");
        }
        Map<String, Integer> ranks = new LinkedHashMap<>();
        root.path("rank_pattern").properties().forEach(e -> ranks.put(e.getKey(), e.getValue().asInt()));
        Map<String, Double> alphas = new LinkedHashMap<>();
        root.path("alpha_pattern").properties().forEach(e -> alphas.put(e.getKey(), e.getValue().asDouble()));
        return new LoraConfig(file, r, a.asDouble(), root.path("use_rslora").asBoolean(false), ranks, alphas);
    }

    private static int positiveInt(Path file, JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new LoupeException(file, "field '" + field + "' missing or not a positive integer");
        }
        return n.asInt();
    }

    /** The rank PEFT gives {@code module} (a dotted module path). */
    public int rankOf(String module) {
        Integer v = lookup(rankPattern, module);
        return v == null ? r : v;
    }

    /** The scale s in ΔW = s·B·A for {@code module}: lora_alpha / r, or lora_alpha / √r with rsLoRA. */
    public double scaleOf(String module) {
        Double a = lookup(alphaPattern, module);
        double alpha = a == null ? this.alpha : a;
        int rank = rankOf(module);
        return rsLora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    private static <T> T lookup(Map<String, T> pattern, String module) {
        for (Map.Entry<String, T> e : pattern.entrySet()) {
            if (module.equals(e.getKey()) || module.endsWith("." + e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }
}
