/**
 * {@code duplex demo}: the browser chat demo of {@code duplex-examples} (rooms, presence, history,
 * live dashboard) behind a command, optionally clustered through Redis; with {@code --socketio},
 * its Socket.IO chat.
 */
package io.duplex.cli.demo;
