package dev.tether.sample;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/**
 * What {@code GET /api/status} answers.
 *
 * @param connections every connection, by name
 * @param events the recent events of all connections, oldest first
 */
@JsonbPropertyOrder({"connections", "events"})
public record StatusView(List<ConnectionView> connections, List<EventView> events) {
}
