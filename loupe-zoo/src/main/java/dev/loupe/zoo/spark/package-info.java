/**
 * What Loupe needs to run its zoo job on a Spark cluster it did not build: the jars executors need
 * ({@link dev.loupe.zoo.spark.ExecutorJars}), the Spark settings from the user, the environment and the
 * job's size ({@link dev.loupe.zoo.spark.SparkSettings}), and a standalone cluster on loopback for tests
 * and benchmarks ({@link dev.loupe.zoo.spark.LoopbackCluster}).
 */
package dev.loupe.zoo.spark;
