/**
 * The {@code duplex} command line: {@code duplex serve} (echo, {@code /bcast} broadcast, static
 * files, TLS) and {@code duplex connect} (a pipe-friendly client and an echo client), built on
 * picocli. Commands take their streams from a {@link io.duplex.cli.Console} so that tests run them
 * in-process; exit statuses are in {@link io.duplex.cli.ExitCode}.
 */
package io.duplex.cli;
