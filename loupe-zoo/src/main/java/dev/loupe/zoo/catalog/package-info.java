/**
 * The zoo catalog: a DuckDB file holding the {@code runs} table and views over the Parquet files of
 * every run ({@code models}, {@code layers}, {@code failures}, and their {@code *_all} history).
 * See ZOO.md for the tables and columns.
 */
package dev.loupe.zoo.catalog;
