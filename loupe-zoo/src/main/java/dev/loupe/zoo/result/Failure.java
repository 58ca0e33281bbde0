package dev.loupe.zoo.result;

import java.io.Serializable;

/**
 * A checkpoint whose analysis failed, as its catalog row records it.
 *
 * @param path  absolute path
 * @param error the one-line error
 */
public record Failure(String path, String error) implements Serializable {
}
