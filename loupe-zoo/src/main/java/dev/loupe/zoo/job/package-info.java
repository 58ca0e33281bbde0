/**
 * Running inspect over a zoo: one task per checkpoint, either in this process (the baseline, and the
 * fast path for small zoos) or as an Apache Spark job ({@code local[N]} or a cluster).
 */
package dev.loupe.zoo.job;
