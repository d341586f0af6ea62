/**
 * Tether's confirmed publishing: confirm channels from a {@link dev.tether.internal.channels.ChannelPool},
 * one {@link dev.tether.internal.publish.ConfirmTracker} per channel that settles outstanding publishes
 * by sequence number, and the {@link dev.tether.Publisher}. Private API, no compatibility promise.
 */
package dev.tether.internal.publish;
