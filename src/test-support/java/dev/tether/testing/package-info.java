/**
 * The one test harness, shared by every test tree: the unit tests ({@code src/test}), the
 * integration tests ({@code src-it}), the benchmarks ({@code src/jmh}) and, through the library's
 * {@code -tests.jar}, the Liberty sample's and the runtime matrix's end-to-end tests.
 *
 * <ul>
 *   <li>brokers: {@link dev.tether.testing.QpidBroker} (the one embedded AMQP 0-9-1 broker, also
 *       behind the sample's development broker) with {@link dev.tether.testing.EmbeddedBroker}
 *       (one shared per test JVM); {@link dev.tether.testing.RabbitMqNode} (a private RabbitMQ node
 *       on free ports, from Debian's package or a RabbitMQ 4 root) with
 *       {@link dev.tether.testing.RabbitMq}, and {@link dev.tether.testing.RabbitMqCluster} with
 *       {@link dev.tether.testing.RabbitMqClusterExtension};
 *   <li>faults: {@link dev.tether.testing.FaultProxy} (reset, black hole, refuse, delayed handshake,
 *       held replies);
 *   <li>waiting: {@link dev.tether.testing.Await}, {@code until} (5 ms steps) or {@code slowly} (100 ms
 *       steps, for a condition that asks a broker or a server), never a fixed sleep;
 *   <li>checks: {@link dev.tether.testing.ThreadLeaks}, {@link dev.tether.testing.LogCapture},
 *       {@link dev.tether.testing.InMemoryMetrics}, {@link dev.tether.testing.ThrowingMeter};
 *   <li>inputs: {@link dev.tether.testing.TestPki}, {@link dev.tether.testing.FixedRandom},
 *       {@link dev.tether.testing.ScriptedRandom}.
 * </ul>
 *
 * <p>May use: Tether's public API, the RabbitMQ client, Qpid Broker-J, JUnit 5, OpenTelemetry's
 * SDK. Never {@code dev.tether.internal}: the harness stands where an application would, and the
 * harness's own tests live in {@code src/test} under this package.
 */
package dev.tether.testing;
