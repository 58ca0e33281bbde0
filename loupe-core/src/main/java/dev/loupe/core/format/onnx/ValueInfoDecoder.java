package dev.loupe.core.format.onnx;

import dev.loupe.core.graph.ValueInfo;
import dev.loupe.core.tensor.DType;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a ValueInfoProto (a graph input's, output's or intermediate value's name, element type and declared
 * shape) under {@link OnnxModelParser}'s limits: names and dimension lists are capped, and every dimension counts
 * against the parse's item budget.
 */
final class ValueInfoDecoder {
    private ValueInfoDecoder() {
    }

    /** A ValueInfoProto: its name and, for a tensor type, the element type and the declared dimensions. */
    static ValueInfo valueInfo(ItemBudget budget, ProtoReader v) {
        String name = "";
        ValueInfo typed = null;
        while (v.next()) {
            switch (v.field()) {
                case OnnxLayout.ValueInfo.NAME -> name = v.string(OnnxModelParser.MAX_NAME);
                case OnnxLayout.ValueInfo.TYPE -> typed = typeProto(budget, v.sub("TypeProto", v.lengthDelimited()));
                default -> v.skip();
            }
        }
        return typed == null ? ValueInfo.untyped(name) : new ValueInfo(name, typed.elementType(), typed.shape());
    }

    /** A TypeProto; only tensor_type is read (sequences, maps and optionals stay untyped). Null when not a tensor. */
    private static ValueInfo typeProto(ItemBudget budget, ProtoReader t) {
        ValueInfo out = null;
        while (t.next()) {
            if (t.field() == OnnxLayout.TypeProto.TENSOR_TYPE) {
                out = tensorType(budget, t.sub("TypeProto.Tensor", t.lengthDelimited()));
            } else {
                t.skip();
            }
        }
        return out;
    }

    private static ValueInfo tensorType(ItemBudget budget, ProtoReader t) {
        DType type = null;
        List<ValueInfo.Dim> dims = null;
        while (t.next()) {
            switch (t.field()) {
                case OnnxLayout.TypeProto.ELEM_TYPE -> {
                    long code = t.int64();
                    type = code == (int) code ? OnnxLayout.dtype((int) code).orElse(null) : null;
                }
                case OnnxLayout.TypeProto.SHAPE -> dims = shape(budget, t.sub("TensorShapeProto", t.lengthDelimited()));
                default -> t.skip();
            }
        }
        return new ValueInfo("", type, dims);
    }

    private static List<ValueInfo.Dim> shape(ItemBudget budget, ProtoReader s) {
        List<ValueInfo.Dim> dims = new ArrayList<>();
        while (s.next()) {
            budget.count(s);
            if (s.field() != OnnxLayout.TypeProto.DIM) {
                s.skip();
                continue;
            }
            ProtoReader d = s.sub("TensorShapeProto.Dimension", s.lengthDelimited());
            long size = -1;
            String param = "";
            while (d.next()) {
                switch (d.field()) {
                    case OnnxLayout.TypeProto.DIM_VALUE -> size = d.int64();
                    case OnnxLayout.TypeProto.DIM_PARAM -> param = d.string(OnnxModelParser.MAX_NAME);
                    default -> d.skip();
                }
            }
            dims.add(new ValueInfo.Dim(size < 0 ? -1 : size, param));
            if (dims.size() > OnnxModelParser.MAX_LIST) {
                throw s.fail("shape with more than " + OnnxModelParser.MAX_LIST + " dimensions");
            }
        }
        return dims;
    }
}
