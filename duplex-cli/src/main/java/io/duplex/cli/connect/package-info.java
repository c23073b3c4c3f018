/**
 * {@code duplex connect}: a WebSocket client for people (an interactive prompt with commands and
 * history), for pipes (a line per message) and for scripts ({@code -x}, {@code --wait}), and an
 * echo client.
 */
package io.duplex.cli.connect;
