package dev.tether;

import com.rabbitmq.client.Address;
import java.util.Objects;

/**
 * How one address failed within a connection attempt. An attempt tries every configured address,
 * and every IP address of a host name that resolves to several; each that fails gives one of
 * these, in the order they were tried.
 *
 * <pre>{@code
 * for (AddressFailure f : failures) {
 *     log.debug(f.toString()); // REFUSED at 10.0.0.7:5672: Connection refused
 * }
 * }</pre>
 *
 * @param address where it failed: the address as configured when its host has one IP address (or
 *     could not be resolved), else the IP address tried, as {@code ip:port}
 * @param cause what went wrong
 * @param kind the classification of {@code cause}
 */
public record AddressFailure(Address address, Throwable cause, FailureKind kind) {

    /** Validates that every component is present. */
    public AddressFailure {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(kind, "kind");
    }

    /** @return for example {@code REFUSED at 10.0.0.7:5672: Connection refused}; never a credential */
    @Override
    public String toString() {
        String message = cause.getMessage() == null || cause.getMessage().isBlank()
                ? cause.getClass().getSimpleName()
                : cause.getMessage();
        return kind + " at " + address + ": " + message;
    }
}
