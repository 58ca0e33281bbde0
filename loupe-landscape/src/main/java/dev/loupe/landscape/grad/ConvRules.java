package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vector–Jacobian products of the ops of convolutional networks (ResNet, VGG-BN, MobileNet), 2-D, as ONNX nodes:
 * Conv with any strides, pads, dilations and groups (depthwise included); MaxPool (any window, overlapping or
 * padded, ceil mode); AveragePool; GlobalAveragePool; BatchNormalization in inference mode (running statistics
 * fixed, as PyTorch's {@code model.eval()} for which PyHessian computes its Hessians).
 *
 * <p>Conv, dW: im2col by one strided Slice of the padded input per kernel position, then one batched MatMul per
 * group, dW_g = dY_g·colsᵀ over all samples and positions: a plain GEMM, where the textbook form, a convolution
 * of X by dY with batch and channels swapped, has a kernel the size of the image: on the reference CNN it took 4× the forward
 * convolution's time and 31% of the HVP graph's kernel time in ONNX Runtime ({@code loupe bench hessian --profile}). dX: for stride 1 a Conv
 * of dY with the kernel flipped and its channel axes swapped (a constant ONNX Runtime folds, so its fast
 * convolution applies), else ConvTranspose with the forward geometry and the output_padding that restores X's size.
 *
 * <p>MaxPool routes dY to the positions its Indices output names (ONNX Runtime: flat over the whole tensor). Without
 * overlap each input feeds at most one window, so dY upsampled over the windows, masked by chosen == own position,
 * is dX. Overlapping windows may pick the
 * same input, and ScatterElements sums duplicates only from opset 16 on (and is slow): per kernel position a 0/1 mask Indices
 * mod (H·W) == where that position reads routes dY (each output to exactly one input, ties included), and a
 * ConvTranspose with one-hot kernels puts the routed values back, summing where windows overlap. AveragePool spreads dY/count by a
 * ConvTranspose with a kernel of ones (count: the window size, or only the positions inside the input when
 * count_include_pad = 0).
 */
final class ConvRules {
    static final Set<String> SUPPORTED = Set.of("Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization");

    private ConvRules() {
    }

    static void check(Node n) {
        if (n.opType().equals("MaxPool") && n.intAttribute("storage_order", 0) != 0) {
            throw GradientGraph.unsupported(n, "only storage_order 0");
        }
        if (n.opType().equals("AveragePool") && n.intAttribute("ceil_mode", 0) != 0) {
            throw GradientGraph.unsupported(n, "only ceil_mode 0");
        }
        if (n.opType().equals("BatchNormalization") && (n.intAttribute("training_mode", 0) != 0 || n.outputs().size() > 1)) {
            throw GradientGraph.unsupported(n, "only inference mode (running statistics)");
        }
    }

    static Map<Integer, String> backward(Node n, String dy, GradientGraph.Emit e, StaticShapes s, Set<String> live) {
        Map<Integer, String> g = new HashMap<>();
        switch (n.opType()) {
            case "Conv" -> conv(n, dy, e, s, live, g);
            case "MaxPool" -> g.put(0, maxPool(n, dy, e, s));
            case "AveragePool" -> g.put(0, averagePool(n, dy, e, s));
            case "GlobalAveragePool" -> {
                long[] x = spatial(n, s);
                String mean = e.b.op("Div", dy, e.scalar((float) (x[2] * x[3])));
                g.put(0, e.b.op("Expand", mean, e.b.op("Shape", n.inputs().getFirst())));
            }
            case "BatchNormalization" -> batchNorm(n, dy, e, s, live, g);
            default -> throw GradientGraph.unsupported(n, "");
        }
        return g;
    }

    /** The input's dims, rank 4 with known height and width, or the op is refused. */
    private static long[] spatial(Node n, StaticShapes s) {
        long[] x = s.dims(n.inputs().getFirst());
        if (x == null || x.length != 4 || x[2] <= 0 || x[3] <= 0) {
            throw GradientGraph.unsupported(n, "only 2-D inputs of known height and width");
        }
        return x;
    }

    private static void conv(Node n, String dy, GradientGraph.Emit e, StaticShapes s, Set<String> live, Map<Integer, String> g) {
        OnnxModelBuilder b = e.b;
        String x = n.inputs().get(0), w = n.inputs().get(1);
        long[] xd = spatial(n, s), wd = s.dims(w);
        if (wd == null || wd.length != 4 || java.util.Arrays.stream(wd).anyMatch(d -> d <= 0)) {
            throw GradientGraph.unsupported(n, "the kernel's shape cannot be inferred");
        }
        Window win = Window.of(n, new long[]{wd[2], wd[3]});
        long groups = n.intAttribute("group", 1), o = wd[0], cg = wd[1], og = o / groups;
        long ho = win.out(0, xd[2]), wo = win.out(1, xd[3]);
        if (ConvAtPoint.applies(win, groups, e)) {
            ConvAtPoint.backward(n, dy, xd, wd, win, ho, wo, e, live, g, () -> convInput(n, dy, w, wd, win, groups, xd, ho, wo, e));
        } else {
            if (live.contains(x)) {
                g.put(0, convInput(n, dy, w, wd, win, groups, xd, ho, wo, e));
            }
            if (live.contains(w)) {
                g.put(1, convKernel(n, dy, x, wd, win, groups, ho, wo, e));
            }
        }
        if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() && live.contains(n.inputs().get(2)) && !g.containsKey(2)) {
            g.put(2, e.reduceSum(dy, new long[]{0, 2, 3}, false));
        }
    }

    /**
     * dW of a Conv by im2col: one strided Slice of the padded input per kernel position, concatenated per group
     * along channels into cols [N, G, K·C/G, Ho·Wo] (contiguous blocks, no transpose of the big tensor); then
     * dWᵀ = Σ_n cols_n·dY_nᵀ by a batched MatMul against dY with its last two axes swapped (a one-axis move, which
     * ONNX Runtime fuses into the MatMul; a transpose of cols moving two axes dominated the profile instead), summed over the samples and
     * reordered from [G, K, C/G, O/G] to [O, C/G, kh, kw], a tensor the size of the kernel.
     */
    private static String convKernel(Node n, String dy, String x, long[] wd, Window win, long groups, long ho, long wo,
                                     GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        long o = wd[0], cg = wd[1], og = o / groups;
        int k = win.size();
        String xp = e.pad(x, new long[]{0, 0, win.pads()[0], win.pads()[1], 0, 0, win.pads()[2], win.pads()[3]});
        List<String> cols = new ArrayList<>();
        for (long kh = 0; kh < win.kernel()[0]; kh++) {
            for (long kw = 0; kw < win.kernel()[1]; kw++) {
                long h0 = kh * win.dilations()[0], w0 = kw * win.dilations()[1];
                String sl = e.slice(xp, new long[]{h0, w0}, new long[]{h0 + (ho - 1) * win.strides()[0] + 1,
                        w0 + (wo - 1) * win.strides()[1] + 1}, new long[]{2, 3}, win.strides(), n);
                cols.add(b.op("Reshape", sl, e.ints(0, groups, cg, ho * wo)));
            }
        }
        String col = cols.size() == 1 ? cols.getFirst() : b.op("Concat", Map.of("axis", 2L), cols.toArray(String[]::new));
        String dyT = b.op("Transpose", Map.of("perm", new long[]{0, 1, 3, 2}), b.op("Reshape", dy, e.ints(0, groups, og, ho * wo)));
        String sum = e.reduceSum(b.op("MatMul", col, dyT), new long[]{0}, false); // [G, K·C/G, O/G]
        String oc = b.op("Transpose", Map.of("perm", new long[]{0, 3, 2, 1}), b.op("Reshape", sum, e.ints(groups, k, cg, og)));
        return b.op("Reshape", oc, e.ints(wd));
    }

    /** dX of a Conv: a stride-1 Conv with the flipped, channel-swapped kernel when the pads allow, else ConvTranspose. */
    private static String convInput(Node n, String dy, String w, long[] wd, Window win, long groups, long[] xd, long ho,
                                    long wo, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        long[] k = win.kernel(), d = win.dilations(), p = win.pads();
        long[] back = new long[4];
        boolean flip = win.strides()[0] == 1 && win.strides()[1] == 1 && e.opset >= 10;
        for (int i = 0; i < 2; i++) {
            back[i] = d[i] * (k[i] - 1) - p[i];
            back[i + 2] = d[i] * (k[i] - 1) - p[i + 2];
            flip &= back[i] >= 0 && back[i + 2] >= 0;
        }
        if (flip) {
            long og = wd[0] / groups, cg = wd[1];
            String wg = b.op("Reshape", w, e.ints(groups, og, cg, k[0], k[1]));
            String swapped = b.op("Reshape", b.op("Transpose", Map.of("perm", new long[]{0, 2, 1, 3, 4}), wg),
                    e.ints(groups * cg, og, k[0], k[1])); // [C, O/G, kh, kw]: input and output channels swapped per group
            String flipped = e.slice(swapped, new long[]{-1, -1}, new long[]{Long.MIN_VALUE, Long.MIN_VALUE}, new long[]{2, 3},
                    new long[]{-1, -1}, n);
            return b.op("Conv", Map.of("pads", back, "dilations", d, "group", groups, "kernel_shape", k), dy, flipped);
        }
        long[] pads = {p[0], p[1], win.cropEnd(0, xd[2], ho), win.cropEnd(1, xd[3], wo)};
        long[] outPad = {win.outputPadding(0, xd[2], ho), win.outputPadding(1, xd[3], wo)};
        return b.op("ConvTranspose", Map.of("pads", pads, "output_padding", outPad, "strides", win.strides(), "dilations", d,
                "group", groups, "kernel_shape", k), dy, w);
    }

    private static String maxPool(Node n, String dy, GradientGraph.Emit e, StaticShapes s) {
        OnnxModelBuilder b = e.b;
        long[] xd = spatial(n, s);
        Window win = Window.of(n, null);
        long h = xd[2], w = xd[3], ho = win.out(0, h), wo = win.out(1, w);
        int k = win.size();
        // windows overlap when a stride is below the dilated kernel's extent
        boolean overlap = win.strides()[0] < win.dilations()[0] * (win.kernel()[0] - 1) + 1
                || win.strides()[1] < win.dilations()[1] * (win.kernel()[1] - 1) + 1;
        if (!overlap && tiles(win, h, w, ho, wo)) {
            return tiledBack(n, dy, win, h, w, ho, wo, e);
        }
        if (!overlap) {
            // each input feeds at most one window: upsample dY over its window (a ConvTranspose with a kernel of ones,
            // stride = window), keep it where the window's chosen position is the element's own, zero-pad what no
            // window covers. ScatterElements did the same 2× slower in ONNX Runtime (loupe bench hessian --profile).
            long kh = win.kernel()[0], kw = win.kernel()[1], sh = win.strides()[0], sw = win.strides()[1];
            long uh = (ho - 1) * sh + kh, uw = (wo - 1) * sw + kw; // the upsampled extent
            float[] own = new float[(int) (uh * uw)];
            for (int r = 0; r < uh; r++) {
                for (int c = 0; c < uw; c++) {
                    long ir = r - win.pads()[0], ic = c - win.pads()[1];
                    own[(int) (r * uw + c)] = ir >= 0 && ir < h && ic >= 0 && ic < w ? ir * w + ic : -1;
                }
            }
            String ownName = b.fresh("pool_own");
            b.initializer(ownName, own, uh, uw);
            // positions < 2^24 are exact in float32: a plane of up to 16 M elements
            String chosen = b.op("Cast", Map.of("to", 1L), b.op("Mod", GradientGraph.poolIndices(n), e.ints(h * w)));
            float[] ones = new float[(int) (kh * kw)];
            java.util.Arrays.fill(ones, 1f);
            String kernel = b.fresh("pool_ones");
            b.initializer(kernel, ones, 1, 1, kh, kw);
            // (an Expand of [N·C, 1, Ho, 1, Wo, 1] over the window, for windows that tile the plane, took 3× as long)
            Map<String, Object> up = Map.of("strides", win.strides(), "kernel_shape", win.kernel());
            java.util.function.UnaryOperator<String> spread = v -> b.op("ConvTranspose", up, b.op("Reshape", v, e.ints(-1, 1, ho, wo)), kernel);
            String mask = b.op("Cast", Map.of("to", 1L), b.op("Equal", spread.apply(chosen), ownName));
            String placed = b.op("Mul", mask, spread.apply(dy)); // [N·C, 1, uh, uw] in padded coordinates
            boolean whole = win.pads()[0] == 0 && win.pads()[1] == 0 && uh <= h && uw <= w;
            String crop = whole ? placed : e.slice(placed, new long[]{win.pads()[0], win.pads()[1]}, new long[]{Math.min(uh, win.pads()[0] + h),
                    Math.min(uw, win.pads()[1] + w)}, new long[]{2, 3}, new long[]{1, 1}, n);
            long covH = Math.min(uh, win.pads()[0] + h) - win.pads()[0], covW = Math.min(uw, win.pads()[1] + w) - win.pads()[1];
            String full = e.pad(crop, new long[]{0, 0, 0, 0, 0, 0, h - covH, w - covW});
            return b.op("Reshape", full, b.op("Shape", n.inputs().getFirst()));
        }
        long[] table = new long[(int) (k * ho * wo)]; // where each kernel position of each window reads, −1 outside
        int at = 0;
        for (long kh = 0; kh < win.kernel()[0]; kh++) {
            for (long kw = 0; kw < win.kernel()[1]; kw++) {
                for (long i = 0; i < ho; i++) {
                    for (long j = 0; j < wo; j++) {
                        long r = i * win.strides()[0] + kh * win.dilations()[0] - win.pads()[0];
                        long c = j * win.strides()[1] + kw * win.dilations()[1] - win.pads()[1];
                        table[at++] = r >= 0 && r < h && c >= 0 && c < w ? r * w + c : -1;
                    }
                }
            }
        }
        String local = b.op("Mod", GradientGraph.poolIndices(n), e.ints(h * w));
        String where = b.fresh("pool_positions");
        b.initializer(where, table, k, ho, wo);
        String mask = b.op("Cast", Map.of("to", 1L), b.op("Equal", e.unsqueeze(local, new long[]{2}), where));
        String routed = b.op("Mul", mask, e.unsqueeze(dy, new long[]{2})); // [N, C, K, Ho, Wo]
        float[] onehot = new float[k * k];
        for (int i = 0; i < k; i++) {
            onehot[i * k + i] = 1;
        }
        String kernel = b.fresh("pool_onehot");
        b.initializer(kernel, onehot, k, 1, win.kernel()[0], win.kernel()[1]);
        String back = spread(b.op("Reshape", routed, e.ints(-1, k, ho, wo)), kernel, win, h, w, ho, wo, e);
        return b.op("Reshape", back, b.op("Shape", n.inputs().getFirst()));
    }

    /** Windows that tile the input exactly: kernel = stride, no dilation or padding, Ho·kh = H and Wo·kw = W. */
    private static boolean tiles(Window win, long h, long w, long ho, long wo) {
        for (int i = 0; i < 2; i++) {
            if (win.strides()[i] != win.kernel()[i] || win.dilations()[i] != 1 || win.pads()[i] != 0 || win.pads()[i + 2] != 0) {
                return false;
            }
        }
        return ho * win.kernel()[0] == h && wo * win.kernel()[1] == w;
    }

    /**
     * dX of a MaxPool whose windows tile the input: each row of dY [N·C, Ho, 1, Wo] times a 0/1 matrix E [Wo, W]
     * (E[j, x] = 1 where x / kw = j) repeats every value over its window's columns, and the window's 0/1 mask
     * [N·C, Ho, kh, W] (its chosen element) broadcasts that row over the window's rows: [N·C, Ho·kh = H, W]. One GEMM
     * over all rows and one Mul, against a ConvTranspose of 1-channel images (a tiny GEMM and col2im per image) and a
     * mask Mul at full resolution: on the fixture CNN's 8-direction tangent pass, 2 threads, 25 ms against 48 of ~407
     * ({@code loupe bench hessian --profile}). E's products add one value to zeros: the same values as the spread.
     */
    private static String tiledBack(Node n, String dy, Window win, long h, long w, long ho, long wo, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        long kh = win.kernel()[0], kw = win.kernel()[1];
        float[] ones = new float[(int) (wo * w)];
        float[] own = new float[(int) (ho * kh * w)];
        for (int x = 0; x < w; x++) {
            ones[(int) (x / kw * w + x)] = 1f;
        }
        for (int i = 0; i < ho * kh; i++) {
            for (int x = 0; x < w; x++) {
                own[(int) (i * w + x)] = i * w + x; // the flat position in the plane of row i, column x
            }
        }
        String widen = b.fresh("pool_widen");
        b.initializer(widen, ones, wo, w);
        String ownName = b.fresh("pool_own");
        b.initializer(ownName, own, ho, kh, w);
        // positions < 2^24 are exact in float32: a plane of up to 16 M elements
        String chosen = b.op("Cast", Map.of("to", 1L), b.op("Mod", GradientGraph.poolIndices(n), e.ints(h * w)));
        String chosenWide = b.op("MatMul", b.op("Reshape", chosen, e.ints(-1, ho, 1, wo)), widen); // [N·C, Ho, 1, W]
        String mask = b.op("Cast", Map.of("to", 1L), b.op("Equal", chosenWide, ownName)); // [N·C, Ho, kh, W]
        String placed = b.op("Mul", b.op("MatMul", b.op("Reshape", dy, e.ints(-1, ho, 1, wo)), widen), mask);
        return b.op("Reshape", placed, b.op("Shape", n.inputs().getFirst()));
    }

    private static String averagePool(Node n, String dy, GradientGraph.Emit e, StaticShapes s) {
        OnnxModelBuilder b = e.b;
        long[] xd = spatial(n, s);
        Window win = Window.of(n, null);
        long h = xd[2], w = xd[3], ho = win.out(0, h), wo = win.out(1, w);
        boolean includePad = n.intAttribute("count_include_pad", 0) != 0;
        float[] count = new float[(int) (ho * wo)];
        for (long i = 0; i < ho; i++) {
            for (long j = 0; j < wo; j++) {
                long inside = 0;
                for (long kh = 0; kh < win.kernel()[0]; kh++) {
                    for (long kw = 0; kw < win.kernel()[1]; kw++) {
                        long r = i * win.strides()[0] + kh * win.dilations()[0] - win.pads()[0];
                        long c = j * win.strides()[1] + kw * win.dilations()[1] - win.pads()[1];
                        inside += includePad || r >= 0 && r < h && c >= 0 && c < w ? 1 : 0;
                    }
                }
                count[(int) (i * wo + j)] = inside;
            }
        }
        String counts = b.fresh("pool_counts");
        b.initializer(counts, count, ho, wo);
        float[] ones = new float[win.size()];
        java.util.Arrays.fill(ones, 1f);
        String kernel = b.fresh("pool_ones");
        b.initializer(kernel, ones, 1, 1, win.kernel()[0], win.kernel()[1]);
        String back = spread(b.op("Reshape", b.op("Div", dy, counts), e.ints(-1, 1, ho, wo)), kernel, win, h, w, ho, wo, e);
        return b.op("Reshape", back, b.op("Shape", n.inputs().getFirst()));
    }

    /** ConvTranspose of per-window values [N·C, K or 1, Ho, Wo] back onto the [N·C, 1, H, W] input grid. */
    private static String spread(String values, String kernel, Window win, long h, long w, long ho, long wo, GradientGraph.Emit e) {
        long[] pads = {win.pads()[0], win.pads()[1], win.cropEnd(0, h, ho), win.cropEnd(1, w, wo)};
        long[] outPad = {win.outputPadding(0, h, ho), win.outputPadding(1, w, wo)};
        return e.b.op("ConvTranspose", Map.of("pads", pads, "output_padding", outPad, "strides", win.strides(),
                "dilations", win.dilations(), "kernel_shape", win.kernel()), values, kernel);
    }

    /**
     * y = (x − mean)·inv·γ + β with inv = 1/√(var + ε) per channel (axis 1): dx = dy·γ·inv, dγ = Σ dy·x̂ with
     * x̂ = (x − mean)·inv, dβ = Σ dy, sums over every axis but the channels.
     */
    private static void batchNorm(Node n, String dy, GradientGraph.Emit e, StaticShapes s, Set<String> live, Map<Integer, String> g) {
        OnnxModelBuilder b = e.b;
        List<String> in = n.inputs();
        int rank = s.rank(in.getFirst(), n);
        long[] others = new long[rank - 1];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != 1) {
                others[j++] = i;
            }
        }
        String inv = batchNormInverse(n, e);
        if (live.contains(in.get(0))) {
            g.put(0, b.op("Mul", dy, channels(b.op("Mul", in.get(1), inv), rank, e)));
        }
        if (live.contains(in.get(1))) {
            g.put(1, e.reduceSum(b.op("Mul", dy, batchNormHat(n, inv, rank, e)), others, false));
        }
        if (live.contains(in.get(2))) {
            g.put(2, e.reduceSum(dy, others, false));
        }
    }

    /**
     * Tangent of a BatchNormalization node: ẏ = ẋ·γ·inv + x̂·γ̇ + β̇ (the running statistics are constants).
     */
    static String batchNormTangent(Node n, List<String> t, GradientGraph.Emit e, StaticShapes s) {
        OnnxModelBuilder b = e.b;
        List<String> in = n.inputs();
        int rank = s.rank(in.getFirst(), n);
        String inv = batchNormInverse(n, e);
        List<String> parts = new ArrayList<>();
        if (t.get(0) != null) {
            parts.add(b.op("Mul", t.get(0), channels(b.op("Mul", in.get(1), inv), rank, e)));
        }
        // a per-channel tangent [k, C] of a pass carrying k directions broadcasts as [k, 1, C, 1, …]
        java.util.function.UnaryOperator<String> perChannel = v -> e.vectors == 1 ? channels(v, rank, e)
                : b.op("Reshape", v, e.ints(VectorTangents.withVectorAxis(e.vectors, channelShape(rank))));
        if (t.get(1) != null) {
            parts.add(b.op("Mul", batchNormHat(n, inv, rank, e), perChannel.apply(t.get(1))));
        }
        if (t.get(2) != null) {
            String shape = e.vectors == 1 ? b.op("Shape", n.outputs().getFirst()) : VectorTangents.expandShape(n.outputs().getFirst(), e, s);
            parts.add(b.op("Expand", perChannel.apply(t.get(2)), shape));
        }
        return parts.isEmpty() ? null : parts.size() == 1 ? parts.getFirst() : b.op("Sum", parts.toArray(String[]::new));
    }

    private static String batchNormInverse(Node n, GradientGraph.Emit e) {
        float eps = n.attributes().get("epsilon") instanceof Double d ? d.floatValue() : 1e-5f;
        return e.b.op("Reciprocal", e.b.op("Sqrt", e.b.op("Add", n.inputs().get(4), e.scalar(eps))));
    }

    private static String batchNormHat(Node n, String inv, int rank, GradientGraph.Emit e) {
        String centred = e.b.op("Sub", n.inputs().get(0), channels(n.inputs().get(3), rank, e));
        return e.b.op("Mul", centred, channels(inv, rank, e));
    }

    /** A per-channel vector [C] as [1, C, 1, …] to broadcast against a rank-{@code rank} tensor. */
    private static String channels(String v, int rank, GradientGraph.Emit e) {
        return e.b.op("Reshape", v, e.ints(channelShape(rank)));
    }

    private static long[] channelShape(int rank) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[1] = -1;
        return shape;
    }
}
