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
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);

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
