package dev.tether;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Selects a managed connection by name, at an injection point or on an observer, and marks the
 * application's beans for one connection.
 *
 * <p>Per-name beans: each is looked up with {@code @Persistent(name)} when the connection's holder
 * is created, and used instead of the default when there is exactly one; two or more candidates
 * for one name and type fail the deployment, naming the connection and the type.
 * <ul>
 * <li>{@code AddressResolver}: the broker addresses, asked on every attempt instead of
 *     {@code tether.<name>.addresses} / {@code uri};
 * <li>{@code CredentialsProvider} ({@code com.rabbitmq.client.impl}): the user name and password,
 *     asked on every attempt instead of the configuration;
 * <li>{@code CredentialsRefreshService} ({@code com.rabbitmq.client.impl}): refreshes expiring
 *     credentials (OAuth 2 tokens) on live connections, instead of the client's default;
 * <li>{@code MetricsCollector}: the RabbitMQ client's own metrics collector, set on every
 *     attempt's connection.
 * </ul>
 *
 * <p>Tether's own metrics are not per name: unless {@code tether.metrics.enabled=false}, and when
 * the OpenTelemetry API is on the class path, they are recorded with the application's
 * {@code OpenTelemetry} bean (default qualifier; MicroProfile Telemetry provides one), else its
 * {@code Meter} bean, else {@code GlobalOpenTelemetry} once the application has set it (never
 * read while unset, which would fix it to a no-op).
 *
 * <pre>{@code
 * @Inject @Persistent Connection connection;                       // the "default" connection
 * @Inject @Persistent("orders") Connection orders;                 // a proxy to the "orders" connection
 * @Inject @Persistent("orders") PersistentConnection ordersHolder; // its holder
 *
 * void onConnected(@Observes @Persistent("orders") ConnectionEvent.Connected event) { ... } // only "orders"
 * void onAny(@Observes ConnectionEvent.Disconnected event) { ... }                          // every connection
 *
 * @Produces @Persistent("orders") AddressResolver ordersAddresses() { ... } // asked on every attempt
 * @Produces @Persistent("orders") CredentialsProvider ordersUser() { ... }   // asked on every attempt
 * @Produces @Persistent("orders") CredentialsRefreshService ordersTokens() { ... }
 * @Produces @Persistent("orders") MetricsCollector ordersClientMetrics() { ... }
 * }</pre>
 */
@Qualifier
@Documented
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, METHOD, TYPE})
public @interface Persistent {

    /** @return the connection's name: letters, digits, {@code -} and {@code _} */
    String value() default ConnectionSettings.DEFAULT_NAME;

    /** An instance of the annotation, for programmatic lookup and event selection. */
    final class Literal extends AnnotationLiteral<Persistent> implements Persistent {

        private static final long serialVersionUID = 1L;

        /** {@code @Persistent("default")}. */
        public static final Literal DEFAULT = new Literal(ConnectionSettings.DEFAULT_NAME);

        private final String value;

        private Literal(String value) {
            this.value = value;
        }

        /**
         * @param name the connection's name
         * @return {@code @Persistent(name)}
         */
        public static Literal of(String name) {
            return new Literal(name);
        }

        @Override
        public String value() {
            return value;
        }
    }
}
