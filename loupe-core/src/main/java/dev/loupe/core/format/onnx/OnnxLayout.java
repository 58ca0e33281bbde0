package dev.loupe.core.format.onnx;

import dev.loupe.core.tensor.DType;

import java.util.Optional;

/**
 * The parts of onnx.proto (onnx/onnx, IR version 10) that Loupe reads and writes: field numbers per
 * message, and TensorProto.DataType codes. This is the one place that knows the layout; fields not
 * listed are skipped on read and copied byte for byte on write.
 *
 * <pre>
 * ModelProto        ir_version=1 (int64)  producer_name=2  producer_version=3  domain=4  model_version=5
 *                   doc_string=6  graph=7 (GraphProto)  opset_import=8 (OperatorSetIdProto)
 *                   metadata_props=14 (StringStringEntryProto)  training_info=20  functions=25
 * GraphProto        node=1  name=2  initializer=5 (TensorProto)  doc_string=10  input=11  output=12
 *                   value_info=13 (ValueInfoProto)  quantization_annotation=14  sparse_initializer=15
 * NodeProto         input=1  output=2  name=3  op_type=4  attribute=5  doc_string=6  domain=7  overload=8
 * AttributeProto    name=1  f=2 (fixed32)  i=3  s=4  t=5  g=6  floats=7  ints=8  strings=9  tensors=10
 *                   graphs=11  doc_string=13  tp=14  type=20  ref_attr_name=21  sparse_tensor=22
 * TensorProto       dims=1 (int64, packed)  data_type=2  segment=3  float_data=4 (packed fixed32)
 *                   int32_data=5  string_data=6  int64_data=7  name=8  raw_data=9  double_data=10
 *                   (packed fixed64)  uint64_data=11  doc_string=12  external_data=13
 *                   (StringStringEntryProto)  data_location=14 (DEFAULT=0, EXTERNAL=1)  metadata_props=16
 * ValueInfoProto    name=1  type=2 (TypeProto)  doc_string=3
 * TypeProto         tensor_type=1 (elem_type=1  shape=2 (TensorShapeProto))  sequence_type=4  map_type=5
 *                   optional_type=9  sparse_tensor_type=8
 * TensorShapeProto  dim=1 (dim_value=1 (int64)  dim_param=2 (string)  denotation=3)
 * OperatorSetIdProto  domain=1  version=2
 * StringStringEntryProto  key=1  value=2
 * </pre>
 */
final class OnnxLayout {
    private OnnxLayout() {
    }

    static final class Model {
        static final int IR_VERSION = 1, PRODUCER_NAME = 2, PRODUCER_VERSION = 3, DOMAIN = 4, MODEL_VERSION = 5,
                DOC_STRING = 6, GRAPH = 7, OPSET_IMPORT = 8, METADATA_PROPS = 14;

        private Model() {
        }
    }

    static final class Graph {
        static final int NODE = 1, NAME = 2, INITIALIZER = 5, INPUT = 11, OUTPUT = 12, SPARSE_INITIALIZER = 15;

        private Graph() {
        }
    }

    static final class Node {
        static final int INPUT = 1, OUTPUT = 2, NAME = 3, OP_TYPE = 4, ATTRIBUTE = 5, DOMAIN = 7;

        private Node() {
        }
    }

    static final class Attribute {
        static final int NAME = 1, F = 2, I = 3, S = 4, T = 5, G = 6, FLOATS = 7, INTS = 8, STRINGS = 9,
                TENSORS = 10, GRAPHS = 11, TYPE = 20;
        // AttributeProto.AttributeType
        static final int TYPE_FLOAT = 1, TYPE_INT = 2, TYPE_STRING = 3, TYPE_TENSOR = 4, TYPE_GRAPH = 5,
                TYPE_FLOATS = 6, TYPE_INTS = 7, TYPE_STRINGS = 8;

        private Attribute() {
        }
    }

    static final class Tensor {
        static final int DIMS = 1, DATA_TYPE = 2, SEGMENT = 3, FLOAT_DATA = 4, INT32_DATA = 5, STRING_DATA = 6,
                INT64_DATA = 7, NAME = 8, RAW_DATA = 9, DOUBLE_DATA = 10, UINT64_DATA = 11, EXTERNAL_DATA = 13,
                DATA_LOCATION = 14;
        static final int LOCATION_EXTERNAL = 1;

        private Tensor() {
        }
    }

    static final class ValueInfo {
        static final int NAME = 1, TYPE = 2;

        private ValueInfo() {
        }
    }

    /** TypeProto, its Tensor message and TensorShapeProto's Dimension (distinct messages, distinct numbers). */
    static final class TypeProto {
        static final int TENSOR_TYPE = 1, ELEM_TYPE = 1, SHAPE = 2, DIM = 1, DIM_VALUE = 1, DIM_PARAM = 2;

        private TypeProto() {
        }
    }

    static final class OperatorSetId {
        static final int DOMAIN = 1, VERSION = 2;

        private OperatorSetId() {
        }
    }

    static final class StringStringEntry {
        static final int KEY = 1, VALUE = 2;

        private StringStringEntry() {
        }
    }

    /** TensorProto.DataType codes. */
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8,
            BOOL = 9, FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13, COMPLEX64 = 14, COMPLEX128 = 15,
            BFLOAT16 = 16, FLOAT8E4M3FN = 17, FLOAT8E4M3FNUZ = 18, FLOAT8E5M2 = 19, FLOAT8E5M2FNUZ = 20,
            UINT4 = 21, INT4 = 22, FLOAT4E2M1 = 23;

    /** The DType for an ONNX data type code, or empty when Loupe cannot hold it (strings, complex, 4-bit, fnuz). */
    static Optional<DType> dtype(int code) {
        return Optional.ofNullable(switch (code) {
            case FLOAT -> DType.F32;
            case DOUBLE -> DType.F64;
            case FLOAT16 -> DType.F16;
            case BFLOAT16 -> DType.BF16;
            case INT8 -> DType.I8;
            case INT16 -> DType.I16;
            case INT32 -> DType.I32;
            case INT64 -> DType.I64;
            case UINT8 -> DType.U8;
            case UINT16 -> DType.U16;
            case UINT32 -> DType.U32;
            case UINT64 -> DType.U64;
            case BOOL -> DType.BOOL;
            case FLOAT8E4M3FN -> DType.F8_E4M3;
            case FLOAT8E5M2 -> DType.F8_E5M2;
            default -> null;
        });
    }

    /** The ONNX data type code for a DType (the writer's direction); throws for GGML block types. */
    static int code(DType t) {
        return switch (t) {
            case F32 -> FLOAT;
            case F64 -> DOUBLE;
            case F16 -> FLOAT16;
            case BF16 -> BFLOAT16;
            case I8 -> INT8;
            case I16 -> INT16;
            case I32 -> INT32;
            case I64 -> INT64;
            case U8 -> UINT8;
            case U16 -> UINT16;
            case U32 -> UINT32;
            case U64 -> UINT64;
            case BOOL -> BOOL;
            case F8_E4M3 -> FLOAT8E4M3FN;
            case F8_E5M2 -> FLOAT8E5M2;
            default -> throw new IllegalArgumentException(t + " has no ONNX data type");
        };
    }

    /** A readable name for any ONNX data type code (for messages about unsupported ones). */
    static String typeName(int code) {
        return switch (code) {
            case STRING -> "STRING";
            case COMPLEX64 -> "COMPLEX64";
            case COMPLEX128 -> "COMPLEX128";
            case FLOAT8E4M3FNUZ -> "FLOAT8E4M3FNUZ";
            case FLOAT8E5M2FNUZ -> "FLOAT8E5M2FNUZ";
            case UINT4 -> "UINT4";
            case INT4 -> "INT4";
            case FLOAT4E2M1 -> "FLOAT4E2M1";
            default -> dtype(code).map(DType::name).orElse("data type " + code);
        };
    }
}
