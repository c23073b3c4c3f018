/**
 * Test helpers for code built on Duplex, usable by users too: {@link io.duplex.testkit.FrameBuilder}
 * for raw (also deliberately invalid) frame bytes, {@link io.duplex.testkit.RecordingHandler} to
 * record a protocol's events and output and fail at teardown on anything unexamined, and {@link
 * io.duplex.testkit.ProtocolPair} for an in-memory client/server pair without sockets.
 *
 * <p>Threading: every type here is confined to the test thread that uses it.
 */
package io.duplex.testkit;
