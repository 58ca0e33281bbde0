/**
 * The {@code loupe} command line: one picocli class per subcommand that wires library calls and
 * renders their result records; it computes nothing itself.
 */
package dev.loupe.cli;
