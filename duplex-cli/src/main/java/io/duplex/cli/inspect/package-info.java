/**
 * {@code duplex inspect}: a frame-level debugging proxy between WebSocket clients and a server,
 * printing every frame both ways (and optionally logging it as JSON lines) as it crossed the
 * proxy, fragments and control frames included.
 */
package io.duplex.cli.inspect;
