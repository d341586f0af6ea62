package dev.tether;

import java.util.List;

/**
 * The MicroProfile Config keys Tether reads. The default connection reads {@code tether.<key>};
 * a named connection reads {@code tether.<name>.<key>}, then {@code tether.<key>}, then the
 * built-in default (the Quarkus datasource convention). Environment variables work as MicroProfile
 * Config maps them: {@code TETHER_URI}, {@code TETHER_ORDERS_URI}.
 */
public final class ConfigKeys {

    /** The prefix of every key. */
    public static final String PREFIX = "tether.";

    /** {@code amqp://} or {@code amqps://} URI. */
    public static final String URI = "uri";
    /** Comma-separated {@code host[:port]} list. */
    public static final String ADDRESSES = "addresses";
    /** User name, overriding the URI's. */
    public static final String USERNAME = "username";
    /** Password, overriding the URI's. */
    public static final String PASSWORD = "password";
    /** Virtual host, overriding the URI's. */
    public static final String VIRTUAL_HOST = "virtual-host";
    /** Connection name shown in RabbitMQ's management UI. */
    public static final String CLIENT_NAME = "client-name";
    /** TCP connect and handshake limit. */
    public static final String CONNECTION_TIMEOUT = "connection-timeout";
    /** Requested heartbeat. */
    public static final String HEARTBEAT = "heartbeat";
    /** How long a proxy call waits for a connection. */
    public static final String AWAIT_TIMEOUT = "await-timeout";
    /** Delay after the first failed attempt. */
    public static final String BACKOFF_INITIAL = "backoff.initial";
    /** Largest delay between attempts. */
    public static final String BACKOFF_MAX = "backoff.max";
    /** Delay growth per failed attempt. */
    public static final String BACKOFF_MULTIPLIER = "backoff.multiplier";
    /** Relative randomization of delays. */
    public static final String BACKOFF_JITTER = "backoff.jitter";
    /** Delay cap while connections are refused. */
    public static final String BACKOFF_REFUSED_MAX = "backoff.refused-max";
    /** Connect at application start. */
    public static final String EAGER = "eager";
    /** With TLS, whether the broker's certificate must match its host name. */
    public static final String TLS_VERIFY_HOSTNAME = "tls.verify-hostname";

    /** Store of trusted CAs (instead of the JVM's default). */
    public static final String TLS_TRUST_STORE = "tls.trust-store";
    /** Password of the trust store. */
    public static final String TLS_TRUST_STORE_PASSWORD = "tls.trust-store-password";
    /** Type of the trust store: PKCS12 or JKS. */
    public static final String TLS_TRUST_STORE_TYPE = "tls.trust-store-type";
    /** The client's key and certificate, for mutual TLS. */
    public static final String TLS_KEY_STORE = "tls.key-store";
    /** Password of the key store. */
    public static final String TLS_KEY_STORE_PASSWORD = "tls.key-store-password";
    /** Type of the key store: PKCS12 or JKS. */
    public static final String TLS_KEY_STORE_TYPE = "tls.key-store-type";
    /** Enabled TLS protocols, comma-separated. */
    public static final String TLS_PROTOCOLS = "tls.protocols";

    /** Most channels open at once in each pool (pooled channels, confirm channels). */
    public static final String CHANNELS_MAX = "channels.max";
    /** How long a borrower waits for a free pooled channel. */
    public static final String CHANNELS_CHECKOUT_TIMEOUT = "channels.checkout-timeout";
    /** How long a confirmed publish waits for the broker's confirm. */
    public static final String PUBLISH_CONFIRM_TIMEOUT = "publish.confirm-timeout";
    /** Most publishes awaiting their confirm at once, per connection name. */
    public static final String PUBLISH_MAX_OUTSTANDING = "publish.max-outstanding";
    /** Default prefetch of a subscription (per consumer). */
    public static final String CONSUMERS_PREFETCH = "consumers.prefetch";
    /** Default number of a subscription's handlers running at once. */
    public static final String CONSUMERS_CONCURRENCY = "consumers.concurrency";
    /** Default number of requeues of a message whose handler threw, before it is rejected. */
    public static final String CONSUMERS_REDELIVERY_LIMIT = "consumers.redelivery-limit";
    /** How long closing waits for in-flight handlers. */
    public static final String CONSUMERS_DRAIN_TIMEOUT = "consumers.drain-timeout";

    /** Global only ({@code tether.health.enabled}): register the readiness check. */
    public static final String HEALTH_ENABLED = "health.enabled";

    /** Global only ({@code tether.metrics.enabled}): record OpenTelemetry metrics when the API is present. */
    public static final String METRICS_ENABLED = "metrics.enabled";

    /** Every per-connection key, in the order of the README's table (from {@link Setting#all()}). */
    public static final List<String> CONNECTION_KEYS = keys(Setting.Scope.CONNECTION);

    /** Every global-only key, read as {@code tether.<key>} (from {@link Setting#all()}). */
    public static final List<String> GLOBAL_KEYS = keys(Setting.Scope.GLOBAL);

    private ConfigKeys() {
    }

    private static List<String> keys(Setting.Scope scope) {
        return Setting.all().stream().filter(setting -> setting.scope() == scope).map(Setting::key).toList();
    }
}
