package dev.tether.internal;

import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.impl.CredentialsProvider;

/**
 * What a holder asks anew on every attempt instead of its settings: the broker addresses and the
 * user name and password. A {@code null} part means the holder's current settings.
 *
 * @param addresses the addresses' source, or {@code null}
 * @param credentials the credentials' source, or {@code null}
 */
public record Sources(AddressResolver addresses, CredentialsProvider credentials) {
}
