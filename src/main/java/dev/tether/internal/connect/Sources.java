package dev.tether.internal.connect;

import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.CredentialsRefreshService;

/**
 * What a holder asks anew on every attempt instead of its settings: the broker addresses and the
 * user name and password. A {@code null} part means the holder's current settings.
 *
 * @param addresses the addresses' source, or {@code null}
 * @param credentials the credentials' source, or {@code null}
 * @param refresh for credentials that expire, the service that refreshes them on live connections;
 *     {@code null} for the client's default
 */
public record Sources(AddressResolver addresses, CredentialsProvider credentials, CredentialsRefreshService refresh) {
}
