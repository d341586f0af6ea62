package dev.tether.sample;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The outcome of one publish, as JSON.
 *
 * @param id the message id (a UUID, also set as the message's {@code message-id})
 * @param outcome {@code confirmed}, {@code nacked}, {@code not-connected} or {@code failed}
 * @param detail a human-readable explanation
 */
@JsonbPropertyOrder({"id", "outcome", "detail"})
public record PublishResult(String id, String outcome, String detail) {

    static final String CONFIRMED = "confirmed";
    static final String NACKED = "nacked";
    static final String NOT_CONNECTED = "not-connected";
    static final String FAILED = "failed";

    /** @return the HTTP status for this outcome: 200 confirmed, 503 not connected, 500 otherwise */
    int httpStatus() {
        return switch (outcome) {
            case CONFIRMED -> 200;
            case NOT_CONNECTED -> 503;
            default -> 500;
        };
    }
}
