/**
 * Values: parsing and validating what settings hold (durations, {@code amqp://} URIs, address
 * lists) and the {@link dev.tether.internal.values.InvalidSettingException} that names the setting
 * and the reason, never the value of a secret.
 *
 * <p>Owns: those parsers and checks. May use: the JDK and the RabbitMQ client's value types only;
 * it is a leaf that imports nothing of Tether, so the public API's records can validate through
 * it without a cycle. Private API, no compatibility promise.
 */
package dev.tether.internal.values;
