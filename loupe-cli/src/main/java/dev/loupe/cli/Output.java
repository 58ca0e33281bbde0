package dev.loupe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * JSON for {@code --json}: records serialize as they are, field names as in the records; enums as their
 * {@code toString()}, which for the option-like ones (compress methods, allocations) is the spelling the option takes.
 */
public final class Output {
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING).registerModule(nonFiniteAsNull());

    /** JSON has no NaN or infinity: every command writes them as null (not Jackson's default string "NaN"). */
    private static com.fasterxml.jackson.databind.module.SimpleModule nonFiniteAsNull() {
        var m = new com.fasterxml.jackson.databind.module.SimpleModule("loupe-non-finite");
        var doubles = new com.fasterxml.jackson.databind.ser.std.StdSerializer<Double>(Double.class) {
            @Override
            public void serialize(Double v, com.fasterxml.jackson.core.JsonGenerator g,
                                  com.fasterxml.jackson.databind.SerializerProvider p) throws java.io.IOException {
                if (Double.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeNull();
                }
            }
        };
        var floats = new com.fasterxml.jackson.databind.ser.std.StdSerializer<Float>(Float.class) {
            @Override
            public void serialize(Float v, com.fasterxml.jackson.core.JsonGenerator g,
                                  com.fasterxml.jackson.databind.SerializerProvider p) throws java.io.IOException {
                if (Float.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeNull();
                }
            }
        };
        var arrays = new com.fasterxml.jackson.databind.ser.std.StdSerializer<double[]>(double[].class) {
            @Override
            public void serialize(double[] v, com.fasterxml.jackson.core.JsonGenerator g,
                                  com.fasterxml.jackson.databind.SerializerProvider p) throws java.io.IOException {
                g.writeStartArray(v, v.length);
                for (double x : v) {
                    if (Double.isFinite(x)) {
                        g.writeNumber(x);
                    } else {
                        g.writeNull();
                    }
                }
                g.writeEndArray();
            }
        };
        m.addSerializer(double[].class, arrays);
        m.addSerializer(Double.class, doubles);
        m.addSerializer(double.class, doubles);
        m.addSerializer(Float.class, floats);
        m.addSerializer(float.class, floats);
        return m;
    }

    private Output() {
    }

    public static void json(Object value, java.io.PrintWriter out) {
        out.println(toJson(value));
    }

    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }
}
