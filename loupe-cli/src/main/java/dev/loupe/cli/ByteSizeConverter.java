package dev.loupe.cli;

import dev.loupe.core.LoupeException;
import dev.loupe.core.format.safetensors.ByteSize;
import picocli.CommandLine;

/** Reads an option's {@link ByteSize}; a value it refuses is picocli's usage error (one line, exit 2) naming the option. */
public final class ByteSizeConverter implements CommandLine.ITypeConverter<ByteSize> {
    @Override
    public ByteSize convert(String value) {
        try {
            return ByteSize.parse(value);
        } catch (LoupeException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
