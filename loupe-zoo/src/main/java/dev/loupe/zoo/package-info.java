/**
 * Model zoos: inspect many checkpoints (locally or as an Apache Spark job), keep the metrics as
 * Parquet registered in a DuckDB catalog, and map the zoo in weight space. Spark and DuckDB live in
 * this module only.
 */
package dev.loupe.zoo;
