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
 * Selects a managed connection by name, at an injection point or on an observer.
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
