package dev.loupe.diff.match;

import dev.loupe.spectral.layers.WeightMatrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Pairs the layers of two checkpoints in three passes: exact layer name; name without wrapper prefixes
 * (DataParallel's {@code module.}, {@code torch.compile}'s {@code _orig_mod.}, PEFT's {@code base_model.model.},
 * Hugging Face's {@code model.}/{@code transformer.}); then, for what is left, the next unmatched layer of the same
 * analyzed shape in model order (a checkpoint exported under other names, e.g. ONNX vs safetensors).
 */
public final class LayerMatcher {
    private static final Pattern PREFIX = Pattern.compile("^((module|_orig_mod|base_model|model|transformer)[./])+");

    private LayerMatcher() {
    }

    public static Matching match(List<WeightMatrix> base, List<WeightMatrix> other) {
        MatchRule[] rule = new MatchRule[base.size()];
        int[] partner = new int[base.size()];
        Arrays.fill(partner, -1);
        boolean[] taken = new boolean[other.size()];
        byName(base, other, partner, taken, rule, false);
        byName(base, other, partner, taken, rule, true);
        for (int i = 0; i < base.size(); i++) {
            if (partner[i] >= 0) {
                continue;
            }
            for (int j = 0; j < other.size(); j++) {
                if (!taken[j] && sameShape(base.get(i), other.get(j))) {
                    partner[i] = j;
                    taken[j] = true;
                    rule[i] = MatchRule.SHAPE_POSITION;
                    break;
                }
            }
        }
        List<LayerPair> pairs = new ArrayList<>();
        List<String> onlyBase = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            if (partner[i] >= 0) {
                pairs.add(new LayerPair(base.get(i), other.get(partner[i]), rule[i]));
            } else {
                onlyBase.add(base.get(i).name());
            }
        }
        List<String> onlyOther = new ArrayList<>();
        for (int j = 0; j < other.size(); j++) {
            if (!taken[j]) {
                onlyOther.add(other.get(j).name());
            }
        }
        return new Matching(pairs, onlyBase, onlyOther);
    }

    /** The layer name without the wrapper prefixes listed in the class comment. */
    public static String withoutPrefix(String name) {
        return PREFIX.matcher(name).replaceFirst("");
    }

    private static void byName(List<WeightMatrix> base, List<WeightMatrix> other, int[] partner, boolean[] taken,
                               MatchRule[] rule, boolean stripped) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> count = new LinkedHashMap<>();
        for (int j = 0; j < other.size(); j++) {
            if (!taken[j]) {
                String key = key(other.get(j).name(), stripped);
                index.putIfAbsent(key, j);
                count.merge(key, 1, Integer::sum);
            }
        }
        for (int i = 0; i < base.size(); i++) {
            if (partner[i] >= 0) {
                continue;
            }
            String key = key(base.get(i).name(), stripped);
            Integer j = index.get(key);
            // an ambiguous stripped name (two layers strip to the same key) is left to the shape pass
            if (j != null && !taken[j] && count.get(key) == 1 && sameShape(base.get(i), other.get(j))) {
                partner[i] = j;
                taken[j] = true;
                rule[i] = stripped ? MatchRule.NAME_WITHOUT_PREFIX : MatchRule.NAME;
            }
        }
    }

    private static String key(String name, boolean stripped) {
        return stripped ? withoutPrefix(name) : name;
    }

    /** Same analyzed matrix: equal kind-independent (out, in) sizes and slice count, whatever the stored orientation. */
    static boolean sameShape(WeightMatrix a, WeightMatrix b) {
        return a.rf() == b.rf() && outIn(a)[0] == outIn(b)[0] && outIn(a)[1] == outIn(b)[1];
    }

    /** (out, in) of a layer whatever its stored orientation. */
    public static int[] outIn(WeightMatrix m) {
        return m.orientation().equals("in,out") ? new int[]{m.cols(), m.rows()} : new int[]{m.rows(), m.cols()};
    }
}
