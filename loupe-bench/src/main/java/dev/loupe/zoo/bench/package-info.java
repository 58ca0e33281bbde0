/** The measured code of {@code loupe bench zoo}: the same zoo through the single-process and Spark paths. */
package dev.loupe.zoo.bench;
