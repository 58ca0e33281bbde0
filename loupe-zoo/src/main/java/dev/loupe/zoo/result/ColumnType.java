package dev.loupe.zoo.result;

/** Column types the catalog uses; each maps to one Spark, one DuckDB and one Parquet type. */
public enum ColumnType {
    STRING("VARCHAR"), LONG("BIGINT"), DOUBLE("DOUBLE");

    private final String sql;

    ColumnType(String sql) {
        this.sql = sql;
    }

    /** The DuckDB type name. */
    public String sql() {
        return sql;
    }

    /** Converts an analysis value to this column's Java type; refuses silent narrowing. */
    public Object coerce(String column, Object v) {
        if (v == null) {
            return null;
        }
        return switch (this) {
            case STRING -> v.toString();
            case LONG -> switch (v) {
                case Integer i -> i.longValue();
                case Long l -> l;
                case Short s -> s.longValue();
                default -> throw new IllegalStateException("column " + column + " is BIGINT but got " + v.getClass());
            };
            case DOUBLE -> switch (v) {
                case Number n -> n.doubleValue();
                default -> throw new IllegalStateException("column " + column + " is DOUBLE but got " + v.getClass());
            };
        };
    }
}
