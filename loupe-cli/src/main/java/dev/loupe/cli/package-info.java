/**
 * The {@code loupe} command line: one picocli class per subcommand that wires library calls and renders their
 * result records; it computes nothing itself. This package holds the entry point, the small commands (ls, eval,
 * demo) and what every command shares (error handling, JSON/table output, options mixins, progress); each larger
 * capability has its own subpackage (inspect, compress, landscape, ensemble, zoo, bench).
 */
package dev.loupe.cli;
