package dev.tether.internal.publish;

/** How messages name where a message was published to. */
final class Describe {

    private Describe() {
    }

    /** @return e.g. {@code exchange 'orders' with routing key 'eu'}, or {@code the default exchange ...} */
    static String target(String exchange, String routingKey) {
        return (exchange.isEmpty() ? "the default exchange" : "exchange '" + exchange + "'")
                + " with routing key '" + routingKey + "'";
    }
}
