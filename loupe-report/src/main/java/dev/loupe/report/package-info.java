/**
 * Self-contained reports: {@code plot} draws charts to SVG/PNG, {@code html} assembles one page with no
 * external resources, and one package per command renders that command's result records.
 */
package dev.loupe.report;
