package dev.loupe.zoo.result;

/** A named, typed catalog column. */
public record ZooColumn(String name, ColumnType type) {
}
