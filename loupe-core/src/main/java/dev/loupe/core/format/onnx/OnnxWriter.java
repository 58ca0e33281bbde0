package dev.loupe.core.format.onnx;

import dev.loupe.core.LoupeException;
import dev.loupe.core.graph.Node;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.core.io.MappedFile;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Shapes;
import dev.loupe.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a copy of an existing ONNX model with some weights changed: {@link #replace} swaps a
 * weight's values (an initializer, a subgraph initializer or a Constant node's value, named as
 * {@link OnnxReader} names them), {@link #remove} drops an initializer (and the graph input of the
 * same name, as IR &lt; 4 models list one), {@link #add} appends an initializer to the main graph,
 * {@link #addNode} puts a node before the main graph's first node (e.g. a DequantizeLinear whose
 * inputs are initializers, which keeps the node list topologically sorted), and {@link #replaceNode}
 * swaps one main-graph node for others at its place (e.g. a MatMul for a com.microsoft MatMulNBits).
 *
 * <p>Everything not edited is copied byte for byte. Written tensors carry raw_data. The output is
 * streamed (weights are never held twice) and written atomically. A model with external data must
 * be written into its own directory, where the external files are.
 */
public final class OnnxWriter {
    private record NewTensor(String name, DType dtype, long[] shape, MemorySegment data) {
    }

    private final Path source;
    private final Map<String, NewTensor> replaced = new LinkedHashMap<>();
    private final Set<String> removed = new LinkedHashSet<>();
    private final List<NewTensor> added = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, List<Node>> replacedNodes = new LinkedHashMap<>();
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final List<String> outputs = new ArrayList<>();

    private OnnxWriter(Path source) {
        this.source = source;
    }

    /** Starts an edit of the model at {@code source} (read when {@link #write} runs). */
    public static OnnxWriter edit(Path source) {
        return new OnnxWriter(source);
    }

    /** Replaces weight {@code name} with the values of a contiguous tensor (its dtype and shape may differ). */
    public OnnxWriter replace(String name, Tensor values) {
        return replace(name, values.dtype(), values.shape(), values.storedBytes());
    }

    /** Replaces weight {@code name} with little-endian {@code bytes} of {@code dtype} and {@code shape}. */
    public OnnxWriter replace(String name, DType dtype, long[] shape, MemorySegment bytes) {
        if (replaced.put(name, checked(name, dtype, shape, bytes)) != null || removed.contains(name)) {
            throw new IllegalArgumentException("weight '" + name + "' is edited twice");
        }
        return this;
    }

    /** Removes initializer {@code name}. */
    public OnnxWriter remove(String name) {
        if (!removed.add(name) || replaced.containsKey(name)) {
            throw new IllegalArgumentException("weight '" + name + "' is edited twice");
        }
        return this;
    }

    /** Adds a contiguous tensor as a new initializer of the main graph, under its own name. */
    public OnnxWriter add(Tensor values) {
        return add(values.name(), values.dtype(), values.shape(), values.storedBytes());
    }

    public OnnxWriter add(String name, DType dtype, long[] shape, MemorySegment bytes) {
        added.add(checked(name, dtype, shape, bytes));
        return this;
    }

    /** Adds a node before the main graph's first node. Attributes: Long, Double, String, long[], double[], String[], Tensor. */
    public OnnxWriter addNode(Node node) {
        nodes.add(node);
        return this;
    }

    /**
     * Replaces the main graph's node whose first output is {@code output} (node names may be empty; outputs
     * are unique) by {@code replacement}, in its place, so the node list stays topologically sorted when the
     * new nodes read what the old one read (or initializers). An empty list removes the node.
     */
    public OnnxWriter replaceNode(String output, List<Node> replacement) {
        if (replacedNodes.put(output, List.copyOf(replacement)) != null) {
            throw new IllegalArgumentException("node of output '" + output + "' is replaced twice");
        }
        return this;
    }

    /**
     * Adds a float tensor value (any node's output) to the main graph's outputs, so that a runtime returns
     * it (e.g. the input activations of a layer, for calibration). Its shape is left unspecified.
     */
    public OnnxWriter addOutput(String valueName) {
        outputs.add(valueName);
        return this;
    }

    /**
     * Makes sure the model imports {@code domain} (e.g. "com.microsoft"; "ai.onnx" is the default
     * domain) at least at {@code version}: adds the import when missing. An existing lower version is
     * refused rather than raised, because raising an opset changes the meaning of ops already in the
     * graph (ai.onnx 13 moved Unsqueeze/ReduceSum axes from attributes to inputs).
     */
    public OnnxWriter requireOpset(String domain, long version) {
        opsets.merge(domain.isEmpty() ? "ai.onnx" : domain, version, Math::max);
        return this;
    }

    /** Writes the edited model to {@code target} (atomically; never over the source). */
    public void write(Path target) {
        write(target, written -> { });
    }

    /** Like {@link #write(Path)}, publishing the file only when {@code check} accepts it (see {@link AtomicOutput}). */
    public void write(Path target, AtomicOutput.Check check) {
        AtomicOutput.refuseOverwrite(target, List.of(source));
        try (MappedFile mapped = MappedFile.open(source); ExternalData ext = new ExternalData(source)) {
            OnnxModel model = OnnxReader.parse(source, mapped, ext);
            if (model.usesExternalData()) {
                requireSameDirectory(target);
            }
            Splicer splicer = plan(model, mapped.segment());
            List<Splicer.Edit> plan = splicer.plan();
            long size = splicer.outputSize(plan);
            if (size > OnnxModelParser.MAX_FILE) {
                throw new LoupeException(target, "the edited model would be " + size
                        + " bytes, more than the 2 GB protobuf limit (external-data output is not supported yet)");
            }
            AtomicOutput.write(target, out -> splicer.write(plan, out), check);
        }
    }

    private Splicer plan(OnnxModel model, MemorySegment seg) {
        Splicer s = new Splicer(seg);
        Envelope graph = model.graphEnvelope();
        for (Node n : nodes) {
            s.add(new Splicer.Edit(graph.contentStart(), graph.contentStart(), graph,
                    List.of(ProtoEncoder.nodeField(OnnxLayout.Graph.NODE, n))));
        }
        for (Map.Entry<String, List<Node>> r : replacedNodes.entrySet()) {
            Site site = model.nodeSites().get(r.getKey());
            if (site == null) {
                throw new LoupeException(source, "has no node with output '" + r.getKey() + "' in its main graph");
            }
            List<MemorySegment> pieces = r.getValue().stream().map(n -> ProtoEncoder.nodeField(OnnxLayout.Graph.NODE, n)).toList();
            s.add(new Splicer.Edit(site.start(), site.end(), site.in(), pieces));
        }
        for (NewTensor t : replaced.values()) {
            Site site = site(model, t.name());
            s.add(new Splicer.Edit(site.start(), site.end(), site.in(),
                    ProtoEncoder.tensorField(site.field(), t.name(), t.dtype(), t.shape(), t.data())));
        }
        for (String name : removed) {
            Site site = site(model, name);
            if (site.field() != OnnxLayout.Graph.INITIALIZER) {
                throw new LoupeException(source, "'" + name + "' is a Constant node's value, not an initializer; replace it instead");
            }
            s.add(new Splicer.Edit(site.start(), site.end(), site.in(), List.of()));
            Site input = model.inputSites().get(name);
            if (input != null && site.in() == graph) {
                s.add(new Splicer.Edit(input.start(), input.end(), input.in(), List.of()));
            }
        }
        for (String o : outputs) {
            s.add(new Splicer.Edit(graph.contentEnd(), graph.contentEnd(), graph, List.of(ProtoEncoder.floatOutputField(o))));
        }
        for (Map.Entry<String, Long> o : opsets.entrySet()) {
            Long has = model.opsets().get(o.getKey());
            if (has == null) {
                // at the very start: field order does not matter in protobuf, and nothing nested begins there
                s.add(new Splicer.Edit(0, 0, null, List.of(ProtoEncoder.opsetField(o.getKey(), o.getValue()))));
            } else if (has < o.getValue()) {
                throw new LoupeException(source, "imports opset " + o.getKey() + " " + has + " but the edit needs "
                        + o.getValue() + "; raising it would change the meaning of existing ops");
            }
        }
        Set<String> names = new LinkedHashSet<>(model.sites().keySet());
        names.removeAll(removed);
        for (NewTensor t : added) {
            if (!names.add(t.name()) || model.graph().initializers().contains(t.name())) {
                throw new LoupeException(source, "cannot add weight '" + t.name() + "': the model already has one of that name");
            }
            s.add(new Splicer.Edit(graph.contentEnd(), graph.contentEnd(), graph,
                    ProtoEncoder.tensorField(OnnxLayout.Graph.INITIALIZER, t.name(), t.dtype(), t.shape(), t.data())));
        }
        return s;
    }

    private Site site(OnnxModel model, String name) {
        Site site = model.sites().get(name);
        if (site == null) {
            throw new LoupeException(source, "has no weight named '" + name + "'");
        }
        return site;
    }

    private void requireSameDirectory(Path target) {
        try {
            Path in = source.toAbsolutePath().getParent().toRealPath();
            Path outDir = target.toAbsolutePath().getParent();
            if (outDir == null || !Files.isDirectory(outDir) || !outDir.toRealPath().equals(in)) {
                throw new LoupeException(target, "the model keeps weights in external data files; write the edited "
                        + "model into the same directory as " + source.getFileName());
            }
        } catch (IOException e) {
            throw new LoupeException(target, "cannot check the output directory: " + e.getMessage(), e);
        }
    }

    private static NewTensor checked(String name, DType dtype, long[] shape, MemorySegment bytes) {
        long n = Shapes.numel(shape);
        if (dtype.isQuantized() || n < 0 || dtype.byteSize(n) != bytes.byteSize()) {
            throw new IllegalArgumentException("weight '" + name + "': " + dtype + " " + Arrays.toString(shape)
                    + " does not fit " + bytes.byteSize() + " bytes");
        }
        return new NewTensor(name, dtype, shape.clone(), bytes);
    }
}
