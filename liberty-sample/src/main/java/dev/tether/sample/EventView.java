package dev.tether.sample;

import dev.tether.ConnectionEvent;
import dev.tether.SubscriptionEvent;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * One connection or subscription event as JSON.
 *
 * @param connection the connection's name
 * @param type the event's kind: {@code Connecting}, {@code Connected}, {@code ConnectFailed}, ...; for a
 *     subscription's, {@code SubscriptionStarted}, {@code SubscriptionLost}, {@code SubscriptionFailed}
 * @param at when it happened (ISO-8601)
 * @param text the event's {@code toString()}, which never holds a password
 */
@JsonbPropertyOrder({"connection", "type", "at", "text"})
public record EventView(String connection, String type, String at, String text) {

    static EventView of(ConnectionEvent event) {
        return new EventView(event.connectionName(), event.getClass().getSimpleName(), event.at().toString(),
                event.toString());
    }

    static EventView of(SubscriptionEvent event) {
        return new EventView(event.connectionName(), "Subscription" + event.getClass().getSimpleName(),
                event.at().toString(), event.toString());
    }
}
