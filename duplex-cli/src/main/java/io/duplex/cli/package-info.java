/**
 * The {@code duplex} command line, built on picocli: {@code duplex serve} (echo, {@code /bcast}
 * broadcast, static files, TLS), {@code duplex connect} (an interactive, pipe-friendly and
 * scriptable client), {@code duplex inspect} (a frame-level debugging proxy) and {@code duplex
 * bench} (a load generator with HdrHistogram percentiles). Commands take their streams from a
 * {@link io.duplex.cli.Console} so that tests run them in-process; exit statuses are in {@link
 * io.duplex.cli.ExitCode}.
 */
package io.duplex.cli;
