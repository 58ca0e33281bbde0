package dev.loupe.spectral.layers;

import dev.loupe.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A user rule {@code --split-fused PATTERN=SPEC[@AXIS]}: tensors whose name matches the regex
 * {@code PATTERN} (anywhere in the name) are analyzed as several matrices instead of one. SPEC is
 * <ul>
 *   <li>a count {@code K}: K equal parts ({@code qkv=3}; {@code experts=8} on an (8, out, in) stack);</li>
 *   <li>labels {@code q,k,v}: equal parts named after them;</li>
 *   <li>labels with sizes {@code q:4096,k:1024,v:1024}: unequal parts (grouped-query attention).</li>
 * </ul>
 * The axis is 0 for rank-3 stacks; for matrices, AXIS if given, else the longer axis (a fused QKV is
 * 3d × d or d × 3d whatever the storage convention), else axis 0.
 *
 * @param pattern matched against tensor names with {@code find}
 * @param labels  part names
 * @param sizes   part sizes along the axis, or null for equal parts
 * @param axis    split axis, or −1 for the default above
 */
public record FusedSplit(Pattern pattern, List<String> labels, long[] sizes, int axis) {
    /** Parses the option value; throws IllegalArgumentException with a user-readable message. */
    public static FusedSplit parse(String spec) {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException("--split-fused wants PATTERN=K, PATTERN=q,k,v or PATTERN=q:N,k:N,v:N, not '"
                    + spec + "'");
        }
        Pattern p;
        try {
            p = Pattern.compile(spec.substring(0, eq));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--split-fused: bad pattern '" + spec.substring(0, eq) + "': "
                    + e.getDescription());
        }
        String rest = spec.substring(eq + 1);
        int axis = -1;
        int at = rest.indexOf('@');
        if (at >= 0) {
            axis = parseInt(rest.substring(at + 1), spec);
            if (axis < 0 || axis > 1) {
                throw new IllegalArgumentException("--split-fused: axis must be 0 or 1 in '" + spec + "'");
            }
            rest = rest.substring(0, at);
        }
        List<String> labels = new ArrayList<>();
        long[] sizes = null;
        if (rest.matches("\\d+")) {
            int k = parseInt(rest, spec);
            if (k < 2 || k > 1 << 16) {
                throw new IllegalArgumentException("--split-fused: part count must be 2.." + (1 << 16) + " in '" + spec + "'");
            }
            for (int i = 0; i < k; i++) {
                labels.add("part" + i);
            }
        } else {
            String[] items = rest.split(",");
            boolean sized = items[0].contains(":");
            sizes = sized ? new long[items.length] : null;
            for (int i = 0; i < items.length; i++) {
                String[] kv = items[i].split(":", -1);
                if (kv[0].isBlank() || kv.length != (sized ? 2 : 1)) {
                    throw new IllegalArgumentException("--split-fused: give every part a label (and a size, or none) in '"
                            + spec + "'");
                }
                labels.add(kv[0]);
                if (sized) {
                    sizes[i] = parseInt(kv[1], spec);
                    if (sizes[i] < 1) {
                        throw new IllegalArgumentException("--split-fused: part sizes must be positive in '" + spec + "'");
                    }
                }
            }
            if (labels.size() < 2) {
                throw new IllegalArgumentException("--split-fused: at least two parts in '" + spec + "'");
            }
        }
        return new FusedSplit(p, labels, sizes, axis);
    }

    public FusedSplit {
        labels = List.copyOf(labels);
        sizes = sizes == null ? null : sizes.clone();
    }

    public boolean matches(String tensorName) {
        return pattern.matcher(tensorName).find();
    }

    /** The parts of {@code t}, or a message saying why this rule cannot split it. */
    public List<Part> parts(Tensor t) {
        long[] s = t.shape();
        if (s.length != 2 && s.length != 3) {
            throw new IllegalArgumentException("cannot split rank-" + s.length + " tensor '" + t.name() + "' (2-D or 3-D only)");
        }
        int ax = s.length == 3 ? 0 : axis >= 0 ? axis : (s[1] > s[0] ? 1 : 0);
        if (s.length == 3 && axis > 0) {
            throw new IllegalArgumentException("a rank-3 stack '" + t.name() + "' is split along axis 0 only");
        }
        int k = labels.size();
        long len = s[ax];
        long[] size = sizes;
        if (size == null) {
            if (len % k != 0) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' axis " + ax + " (" + len
                        + ") does not split into " + k + " equal parts");
            }
            size = new long[k];
            java.util.Arrays.fill(size, len / k);
        }
        long total = java.util.Arrays.stream(size).sum();
        if (total != len) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' axis " + ax + " has " + len
                    + " rows, the parts add up to " + total);
        }
        if (s.length == 3 && size[0] != 1) {
            throw new IllegalArgumentException("rank-3 stack '" + t.name() + "' must be split into its " + len
                    + " matrices (one per index of axis 0)");
        }
        List<Part> out = new ArrayList<>(k);
        long start = 0;
        for (int i = 0; i < k; i++) {
            out.add(new Part(labels.get(i), i, k, ax, start, size[i]));
            start += size[i];
        }
        return out;
    }

    private static int parseInt(String v, String spec) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--split-fused: '" + v + "' is not a number in '" + spec + "'");
        }
    }
}
