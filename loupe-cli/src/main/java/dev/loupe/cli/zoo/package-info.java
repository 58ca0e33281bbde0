/** {@code loupe zoo}: catalogs of many checkpoints on Spark, queries and weight-space maps. */
package dev.loupe.cli.zoo;
