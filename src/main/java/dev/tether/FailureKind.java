package dev.tether;

/**
 * Why a connection attempt failed. Transient kinds are expected while a broker restarts or the
 * network heals; {@linkplain #misconfiguration() misconfiguration} kinds will not go away by
 * themselves, so they are retried at the maximum backoff delay and reported loudly.
 */
public enum FailureKind {
    /** The broker's host answered that nothing listens on the port (TCP RST). */
    REFUSED(false),
    /** The host could not be reached or resolved (no route, unknown host, network down). */
    UNREACHABLE(false),
    /** TCP connect or the AMQP handshake did not finish within {@code connection-timeout}. */
    TIMED_OUT(false),
    /**
     * The broker or the network ended the handshake: connection reset or end of stream, broker or
     * node shutting down (320 CONNECTION_FORCED), virtual host down on that node (541
     * INTERNAL_ERROR), including when the client reports it as a possible authentication failure.
     */
    HANDSHAKE_FAILED(false),
    /**
     * A broker limit is reached: the connection limit of the virtual host, of the user or of the
     * node, or a channel limit (RabbitMQ's {@code 530 NOT_ALLOWED ... connection limit (0) is
     * reached} after {@code rabbitmqctl set_vhost_limits -p / '{"max-connections": 0}'}). Not
     * misconfiguration: it goes away when other connections close or the limit is raised, so it
     * is retried with the normal backoff and logged at WARNING.
     */
    CAPACITY(false),
    /**
     * The broker refused the credentials: {@code 403 ACCESS_REFUSED}, or the connection ended right
     * after the credentials were sent, with no transient cause in sight. Also the attempts that
     * never reach the broker for want of usable credentials: a {@code CredentialsProvider} that
     * gives no user name or no password (the cause names the provider's class), and a user name,
     * password or URI read from the configuration at an attempt that is not valid, e.g. a blank
     * {@code tether.<name>.username} or a malformed {@code tether.<name>.uri} (the cause names the
     * key, never a value).
     */
    AUTHENTICATION(true),
    /**
     * The virtual host does not exist, or the user may not access it ({@code connection.open}
     * refused: RabbitMQ 530 {@code vhost ... not found} or {@code access to vhost ... refused for
     * user}, Qpid 404).
     */
    VIRTUAL_HOST(true),
    /** The broker's certificate is not trusted or does not match its host name. */
    TLS(true),
    /** A synchronous {@code Connected} listener threw; the connection was closed. */
    APPLICATION(false),
    /**
     * A synchronous {@code Connected} listener met {@code 405 RESOURCE_LOCKED}: it declared (or
     * consumed from) an exclusive queue that the broker still holds for an earlier connection, one
     * the broker has not yet found dead (after a client-side network cut, the broker frees the
     * queue only when that connection misses its heartbeats). The connection was closed, as for
     * {@link #APPLICATION}; retried every {@code backoff.refused-max} at most, so the topology is
     * back soon after the broker lets go of the queue.
     */
    RESOURCE_LOCKED(false),
    /**
     * The broker refused a deprecated feature that it is set to deny: a connection or channel
     * closed with RabbitMQ's {@code Feature `<name>` is deprecated} (at any point, e.g. a synchronous
     * {@code Connected} listener declaring its topology). RabbitMQ 4.3 denies
     * {@code transient_nonexcl_queues} (non-durable, non-exclusive queues) and {@code global_qos}
     * ({@code basicQos(n, true)}) by default; 4.0 to 4.2 deny them with
     * {@code deprecated_features.permit.<feature> = false}. RabbitMQ 4.0.5 refuses such a queue
     * declaration by closing the <em>whole connection</em> with {@code 541 INTERNAL_ERROR}; it
     * accepts a denied global QoS as per-consumer QoS, so that one reaches a client only from a
     * broker that refuses it. Misconfiguration: it repeats until the application changes, so it is
     * retried at {@code backoff.max}; the {@code ConnectFailed}'s cause names the feature and what to
     * do instead (a durable or exclusive queue; per-consumer QoS, {@code basicQos(n, false)}).
     */
    DEPRECATED_FEATURE(true),
    /**
     * A subscription's queue does not exist ({@code 404 NOT_FOUND} answering {@code basic.consume},
     * or the broker cancelled the consumer because the queue was deleted). Retried with the normal
     * backoff until the queue is declared again.
     */
    QUEUE_NOT_FOUND(false),
    /**
     * The user may not read the subscription's queue ({@code 403 ACCESS_REFUSED} answering
     * {@code basic.consume} or {@code basic.qos}). Retried at the maximum backoff delay.
     */
    ACCESS_REFUSED(true),
    /** Anything else. */
    UNKNOWN(false);

    private final boolean misconfiguration;

    FailureKind(boolean misconfiguration) {
        this.misconfiguration = misconfiguration;
    }

    /**
     * Whether this failure is caused by configuration (credentials, virtual host, TLS trust, a
     * deprecated feature the broker denies) and
     * will repeat until someone changes it.
     *
     * @return {@code true} for {@link #AUTHENTICATION}, {@link #VIRTUAL_HOST}, {@link #TLS},
     *     {@link #DEPRECATED_FEATURE} and {@link #ACCESS_REFUSED}
     */
    public boolean misconfiguration() {
        return misconfiguration;
    }
}
