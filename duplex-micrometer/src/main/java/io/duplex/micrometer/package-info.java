/**
 * Duplex metrics on Micrometer: {@link io.duplex.micrometer.DuplexMetrics} is the runtime's {@link
 * io.duplex.MetricsListener} on a {@code MeterRegistry}, {@link
 * io.duplex.micrometer.RedisBrokerMetrics} binds a {@code RedisBroker}'s counters. Meter names and
 * tags are listed in docs/operations.md.
 *
 * <p>Threading: each type states its own rule.
 */
package io.duplex.micrometer;
