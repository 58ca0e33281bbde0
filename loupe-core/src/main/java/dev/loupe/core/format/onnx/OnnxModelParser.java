package dev.loupe.core.format.onnx;

import dev.loupe.core.LoupeException;
import dev.loupe.core.format.onnx.OnnxLayout.Attribute;
import dev.loupe.core.format.onnx.OnnxLayout.Model;
import dev.loupe.core.format.onnx.TensorProtoDecoder.Decoded;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.graph.ValueInfo;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a ModelProto into an {@link OnnxModel}. Walks the message structure once; tensor bytes are
 * never touched (raw_data is sliced, not read). Weights, in this order per graph: its initializers,
 * then per node the value of a {@code Constant} node (named after the node's output) and the weights
 * of its subgraphs (If/Loop/Scan bodies), recursively. A subgraph weight whose name is already taken
 * is renamed {@code <node name>/<name>}.
 *
 * <p>Limits keep hostile files bounded: subgraph depth, names, list attributes and the total number
 * of parsed items are capped, and every length is checked against its enclosing message.
 */
final class OnnxModelParser {
    static final int MAX_NAME = 1 << 20;
    static final int MAX_GRAPH_DEPTH = 32;
    static final int MAX_LIST = 1 << 22;
    static final long MAX_ITEMS = 4_000_000L;
    /** Protobuf messages (and so .onnx files) cannot exceed 2 GB; larger models use external data. */
    static final long MAX_FILE = Integer.MAX_VALUE;

    private final Path file;
    private final MemorySegment seg;
    private final TensorProtoDecoder decoder;
    private final ItemBudget budget = new ItemBudget(MAX_ITEMS);

    private record Found(Decoded decoded, Site site, String scope) {
    }

    private record Parsed(Graph graph, List<Found> weights) {
    }

    OnnxModelParser(Path file, MemorySegment seg, ExternalData external) {
        this.file = file;
        this.seg = seg;
        this.decoder = new TensorProtoDecoder(file, external);
    }

    OnnxModel parse() {
        if (seg.byteSize() > MAX_FILE) {
            throw new LoupeException(file, "is larger than 2 GB, which protobuf (and so ONNX) cannot hold; "
                    + "large models keep weights in external data files");
        }
        ProtoReader p = new ProtoReader(seg, file, "ModelProto", 0, seg.byteSize());
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, String> props = new LinkedHashMap<>();
        Map<String, Long> opsets = new LinkedHashMap<>();
        Parsed main = null;
        Envelope graphEnv = null;
        Map<String, Site> inputSites = new LinkedHashMap<>();
        Map<String, Site> nodeSites = new LinkedHashMap<>();
        while (p.next()) {
            switch (p.field()) {
                case Model.IR_VERSION -> meta.put("ir_version", Long.toString(p.int64()));
                case Model.PRODUCER_NAME -> meta.put("producer_name", p.string(MAX_NAME));
                case Model.PRODUCER_VERSION -> meta.put("producer_version", p.string(MAX_NAME));
                case Model.DOMAIN -> meta.put("domain", p.string(MAX_NAME));
                case Model.MODEL_VERSION -> meta.put("model_version", Long.toString(p.int64()));
                case Model.OPSET_IMPORT -> opset(p.sub("opset_import", p.lengthDelimited()), opsets);
                case Model.METADATA_PROPS -> {
                    String[] kv = keyValue(p.sub("metadata_props", p.lengthDelimited()));
                    props.put(kv[0], kv[1]);
                }
                case Model.GRAPH -> {
                    if (main != null) {
                        throw p.fail("more than one graph");
                    }
                    long start = p.fieldStart();
                    long[] r = p.lengthDelimited();
                    graphEnv = Envelope.of(start, p, r, null);
                    main = graph(p.sub("GraphProto", r), graphEnv, 0, inputSites, nodeSites);
                }
                default -> p.skip();
            }
        }
        if (main == null) {
            throw new LoupeException(file, "not a valid ONNX file: the ModelProto has no graph");
        }
        if (!meta.containsKey("ir_version")) {
            throw new LoupeException(file, "not a valid ONNX file: the ModelProto has no ir_version");
        }
        meta.put("opset_import", String.join(",", opsets.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList()));
        meta.put("graph_name", main.graph().name());
        props.forEach((k, v) -> meta.put(meta.containsKey(k) ? "metadata_props." + k : k, v));
        return finish(main, meta, graphEnv, inputSites, nodeSites, opsets);
    }

    private OnnxModel finish(Parsed main, Map<String, String> meta, Envelope graphEnv, Map<String, Site> inputSites,
                             Map<String, Site> nodeSites, Map<String, Long> opsets) {
        List<Tensor> tensors = new ArrayList<>();
        Map<String, Site> sites = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        boolean external = false;
        for (Found f : main.weights()) {
            String name = f.decoded().name();
            if (taken.contains(name) && f.scope() != null) {
                name = f.scope() + "/" + name;
            }
            for (int k = 2; taken.contains(name); k++) {
                name = f.decoded().name() + "#" + k;
            }
            taken.add(name);
            external |= f.decoded().external();
            if (f.decoded().tensor() == null) {
                skipped.add(name + " (" + f.decoded().unsupportedType() + ")");
                continue;
            }
            Tensor t = f.decoded().tensor();
            tensors.add(name.equals(t.name()) ? t : t.renamed(name));
            sites.put(name, f.site());
        }
        if (!skipped.isEmpty()) {
            meta.put("skipped_tensors", skipped.size() + ": " + String.join(", ", skipped.subList(0, Math.min(10, skipped.size())))
                    + (skipped.size() > 10 ? ", ..." : ""));
        }
        return new OnnxModel(main.graph(), List.copyOf(tensors), Map.copyOf(sites), List.copyOf(skipped),
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(meta)), graphEnv, Map.copyOf(inputSites), Map.copyOf(nodeSites), external, Map.copyOf(opsets));
    }

    /** {@code inputSites} and {@code nodeSites} collect the main graph's sites (null for subgraphs). */
    private Parsed graph(ProtoReader g, Envelope env, int depth, Map<String, Site> inputSites, Map<String, Site> nodeSites) {
        if (depth > MAX_GRAPH_DEPTH) {
            throw g.fail("subgraphs nested deeper than " + MAX_GRAPH_DEPTH + " levels");
        }
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<String> initNames = new ArrayList<>();
        Map<String, ValueInfo> declared = new LinkedHashMap<>();
        List<Found> inits = new ArrayList<>();
        List<Found> nested = new ArrayList<>();
        while (g.next()) {
            budget.count(g);
            switch (g.field()) {
                case OnnxLayout.Graph.NODE -> {
                    long start = g.fieldStart();
                    long[] r = g.lengthDelimited();
                    Node node = node(g.sub("NodeProto", r), Envelope.of(start, g, r, env), depth, nested);
                    nodes.add(node);
                    if (nodeSites != null && !node.outputs().isEmpty()) {
                        nodeSites.putIfAbsent(node.outputs().getFirst(), new Site(start, r[1], OnnxLayout.Graph.NODE, env));
                    }
                }
                case OnnxLayout.Graph.NAME -> name = g.string(MAX_NAME);
                case OnnxLayout.Graph.INITIALIZER -> {
                    long start = g.fieldStart();
                    long[] r = g.lengthDelimited();
                    Decoded d = decoder.decode(g.sub("TensorProto", r), null);
                    initNames.add(d.name());
                    inits.add(new Found(d, new Site(start, r[1], OnnxLayout.Graph.INITIALIZER, env), null));
                }
                case OnnxLayout.Graph.SPARSE_INITIALIZER -> throw g.fail("sparse initializers are not supported");
                case OnnxLayout.Graph.INPUT, OnnxLayout.Graph.OUTPUT -> {
                    int field = g.field();
                    long start = g.fieldStart();
                    long[] r = g.lengthDelimited();
                    ValueInfo info = ValueInfoDecoder.valueInfo(budget, g.sub("ValueInfoProto", r));
                    String v = info.name();
                    declared.putIfAbsent(v, info);
                    if (field == OnnxLayout.Graph.INPUT) {
                        inputs.add(v);
                        if (inputSites != null) {
                            inputSites.put(v, new Site(start, r[1], field, env));
                        }
                    } else {
                        outputs.add(v);
                    }
                }
                default -> g.skip();
            }
        }
        inits.addAll(nested);
        return new Parsed(new Graph(name, nodes, inputs, outputs, initNames, declared), inits);
    }

    private Node node(ProtoReader n, Envelope env, int depth, List<Found> weights) {
        String name = "";
        String op = "";
        String domain = "";
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        Map<String, Object> attrs = new LinkedHashMap<>();
        List<Found> nodeWeights = new ArrayList<>();
        Found value = null;
        while (n.next()) {
            budget.count(n);
            switch (n.field()) {
                case OnnxLayout.Node.INPUT -> in.add(n.string(MAX_NAME));
                case OnnxLayout.Node.OUTPUT -> out.add(n.string(MAX_NAME));
                case OnnxLayout.Node.NAME -> name = n.string(MAX_NAME);
                case OnnxLayout.Node.OP_TYPE -> op = n.string(MAX_NAME);
                case OnnxLayout.Node.DOMAIN -> domain = n.string(MAX_NAME);
                case OnnxLayout.Node.ATTRIBUTE -> {
                    long start = n.fieldStart();
                    long[] r = n.lengthDelimited();
                    Found[] tensor = {null};
                    String key = attribute(n.sub("AttributeProto", r), Envelope.of(start, n, r, env), depth, attrs,
                            nodeWeights, tensor);
                    if ("value".equals(key) && tensor[0] != null) {
                        value = tensor[0];
                    }
                }
                default -> n.skip();
            }
        }
        String scope = name.isEmpty() ? op : name;
        boolean constant = "Constant".equals(op) && (domain.isEmpty() || "ai.onnx".equals(domain));
        if (constant && value != null && !out.isEmpty()) {
            Decoded d = value.decoded();
            Tensor t = d.tensor() == null ? null : d.tensor().renamed(out.getFirst());
            weights.add(new Found(new Decoded(out.getFirst(), t, d.unsupportedType(), d.external()), value.site(), scope));
            if (t != null) {
                attrs.put("value", t);
            }
        }
        for (Found f : nodeWeights) {
            weights.add(f.scope() == null ? new Found(f.decoded(), f.site(), scope) : f);
        }
        return new Node(name, op, domain, in, out, attrs);
    }

    /** Parses one AttributeProto into {@code attrs}; returns its name. A TENSOR value is also put in {@code tensor[0]}. */
    private String attribute(ProtoReader a, Envelope env, int depth, Map<String, Object> attrs, List<Found> weights,
                             Found[] tensor) {
        String name = "";
        Object value = null;
        LongList ints = null;
        List<Double> floats = null;
        List<String> strings = null;
        List<Graph> graphs = null;
        while (a.next()) {
            budget.count(a);
            switch (a.field()) {
                case Attribute.NAME -> name = a.string(MAX_NAME);
                case Attribute.F -> value = (double) Float.intBitsToFloat(a.fixed32());
                case Attribute.I -> value = a.int64();
                case Attribute.S -> value = a.string(MAX_NAME, false);
                case Attribute.T -> {
                    long start = a.fieldStart();
                    long[] r = a.lengthDelimited();
                    Decoded d = decoder.decode(a.sub("TensorProto", r), null);
                    tensor[0] = new Found(d, new Site(start, r[1], Attribute.T, env), null);
                    value = d.tensor() != null ? d.tensor() : d.unsupportedType() + " tensor";
                }
                case Attribute.G -> {
                    long start = a.fieldStart();
                    long[] r = a.lengthDelimited();
                    Parsed sub = graph(a.sub("GraphProto", r), Envelope.of(start, a, r, env), depth + 1, null, null);
                    weights.addAll(sub.weights());
                    value = sub.graph();
                }
                case Attribute.GRAPHS -> {
                    long start = a.fieldStart();
                    long[] r = a.lengthDelimited();
                    Parsed sub = graph(a.sub("GraphProto", r), Envelope.of(start, a, r, env), depth + 1, null, null);
                    weights.addAll(sub.weights());
                    (graphs = graphs == null ? new ArrayList<>() : graphs).add(sub.graph());
                }
                case Attribute.INTS -> {
                    LongList l = ints == null ? (ints = new LongList()) : ints;
                    a.int64s(v -> l.add(v, a));
                }
                case Attribute.FLOATS -> floats(a, floats == null ? (floats = new ArrayList<>()) : floats);
                case Attribute.STRINGS -> {
                    (strings = strings == null ? new ArrayList<>() : strings).add(a.string(MAX_NAME, false));
                    if (strings.size() > MAX_LIST) {
                        throw a.fail("list attribute longer than " + MAX_LIST);
                    }
                }
                default -> a.skip();
            }
        }
        if (ints != null) {
            value = ints.toArray();
        } else if (floats != null) {
            value = floats.stream().mapToDouble(Double::doubleValue).toArray();
        } else if (strings != null) {
            value = strings.toArray(String[]::new);
        } else if (graphs != null) {
            value = List.copyOf(graphs);
        }
        if (value != null) {
            attrs.put(name, value);
        }
        return name;
    }

    private void floats(ProtoReader a, List<Double> sink) {
        if (a.wireType() == ProtoReader.LEN) {
            long[] r = a.lengthDelimited();
            ProtoReader q = a.sub("floats", r);
            if ((r[1] - r[0]) % 4 != 0) {
                throw a.fail("packed floats length is not a multiple of 4");
            }
            for (long at = r[0]; at < r[1]; at += 4) {
                sink.add((double) Float.intBitsToFloat(q.readInt(at)));
                q.advanceRaw(4);
            }
        } else {
            sink.add((double) Float.intBitsToFloat(a.fixed32()));
        }
        if (sink.size() > MAX_LIST) {
            throw a.fail("list attribute longer than " + MAX_LIST);
        }
    }

    private static void opset(ProtoReader o, Map<String, Long> sink) {
        String domain = "";
        long version = 0;
        while (o.next()) {
            switch (o.field()) {
                case OnnxLayout.OperatorSetId.DOMAIN -> domain = o.string(MAX_NAME);
                case OnnxLayout.OperatorSetId.VERSION -> version = o.int64();
                default -> o.skip();
            }
        }
        sink.put(domain.isEmpty() ? "ai.onnx" : domain, version);
    }

    private static String[] keyValue(ProtoReader e) {
        String k = "";
        String v = "";
        while (e.next()) {
            switch (e.field()) {
                case OnnxLayout.StringStringEntry.KEY -> k = e.string(MAX_NAME);
                case OnnxLayout.StringStringEntry.VALUE -> v = e.string(MAX_NAME);
                default -> e.skip();
            }
        }
        return new String[]{k, v};
    }

    /** A growable long[] with the list-attribute cap. */
    private static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v, ProtoReader p) {
            if (n == MAX_LIST) {
                throw p.fail("list attribute longer than " + MAX_LIST);
            }
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
