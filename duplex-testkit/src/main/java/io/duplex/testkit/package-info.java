/**
 * The runtime-level test kit: helpers for tests of code built on Duplex, on real sockets.
 *
 * <ul>
 *   <li>{@link io.duplex.testkit.RecordingHandler}: a {@code WebSocketHandler} that records every
 *       event in order, with bounded waits and a teardown check;
 *   <li>{@link io.duplex.testkit.Await}: bounded waits on futures, queues and conditions;
 *   <li>{@link io.duplex.testkit.Loopback}: a server builder on 127.0.0.1 and its {@code ws://}
 *       address;
 *   <li>{@link io.duplex.testkit.RawClient}: a raw, possibly hostile peer on a plain socket
 *       (handshake by hand, arbitrary bytes and frames, frames and close codes read back, EOF);
 *   <li>{@link io.duplex.testkit.ConnectProxy}: an HTTP CONNECT proxy with optional Basic auth;
 *   <li>{@link io.duplex.testkit.ManualScheduler} and {@link io.duplex.testkit.ManualClock}: time
 *       that moves only when the test says so.
 * </ul>
 *
 * <p>Engine-level fixtures (no sockets) come with the kit from duplex-protocol's test-jar, package
 * {@code io.duplex.testing}: {@code Hex}, {@code FrameBuilder}, {@code ProtocolRecorder}, {@code
 * ProtocolPair}, and {@code TestCertificates} (self-signed certificates made by the JDK's keytool).
 *
 * <p>Threading: each type documents its rule. In short: {@code RecordingHandler}, {@code Await},
 * {@code ManualScheduler} and {@code ConnectProxy} may be fed from any thread and read from the
 * test thread; {@code RawClient} has one reading thread and at most one writing thread; {@code
 * ManualClock} is advanced from one thread.
 */
package io.duplex.testkit;
