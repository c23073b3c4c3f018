/**
 * {@code duplex serve}: a WebSocket server for testing and benchmarks — echo, broadcast on {@code
 * /bcast} or everywhere, publish/subscribe topics, static files, TLS, Redis clustering — with a
 * log line per connection.
 */
package io.duplex.cli.serve;
