/**
 * {@code duplex demo}: the browser chat demo of {@code duplex-examples} (rooms, presence, history,
 * live dashboard) behind a command, optionally clustered through Redis.
 */
package io.duplex.cli.demo;
