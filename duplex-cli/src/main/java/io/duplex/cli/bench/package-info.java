/**
 * {@code duplex bench}: a load generator on the Duplex client — echo (closed or open loop),
 * connect, broadcast and idle modes — with HdrHistogram latency percentiles merged from every
 * event loop, a live progress line, a summary or JSON result, and the server's memory per
 * connection in idle mode.
 */
package io.duplex.cli.bench;
