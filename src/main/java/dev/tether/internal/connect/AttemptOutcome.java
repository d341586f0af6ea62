package dev.tether.internal.connect;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import dev.tether.AddressFailure;
import dev.tether.FailureKind;
import java.util.List;

/** What one {@link ConnectionOpener#open connection attempt} gave: a connection, or the failure of every address. */
public sealed interface AttemptOutcome {

    /** A connection was opened. */
    record Opened(Connection connection, Address address) implements AttemptOutcome {
    }

    /**
     * Every address failed.
     *
     * @param address where the most telling failure happened, or {@code null} when none was tried
     * @param cause the most telling failure; the other addresses' failures are its suppressed exceptions; for
     *     {@link FailureKind#DEPRECATED_FEATURE}, wrapped by {@link FailureClassifier#explained}
     * @param kind the classification of {@code cause}
     * @param each every address's failure, in the order tried; empty when none was tried
     */
    record Failed(Address address, Throwable cause, FailureKind kind, List<AddressFailure> each)
            implements AttemptOutcome {

        public Failed {
            each = List.copyOf(each);
            cause = FailureClassifier.explained(cause, kind); // a deprecated feature: named, with what to do instead
        }

        /** A failure before or after trying addresses: the resolver, the TLS stores, a listener. */
        public Failed(Address address, Throwable cause, FailureKind kind) {
            this(address, cause, kind, List.of());
        }

        /** As above, classified by {@link FailureClassifier#classify}. */
        public Failed(Address address, Throwable cause) {
            this(address, cause, FailureClassifier.classify(cause));
        }

        /** The most telling of {@code each} (not empty), with the others attached to its cause as suppressed. */
        static Failed of(List<AddressFailure> each) {
            AddressFailure kept = each.get(0);
            for (AddressFailure next : each) {
                kept = moreTelling(kept, next);
            }
            for (AddressFailure other : each) {
                if (other.cause() != kept.cause()) {
                    kept.cause().addSuppressed(other.cause());
                }
            }
            return new Failed(kept.address(), kept.cause(), kept.kind(), each);
        }

        /** A misconfiguration beats a transient failure, and a refusal counts only if all refused. */
        private static AddressFailure moreTelling(AddressFailure kept, AddressFailure next) {
            if (next.kind().misconfiguration() && !kept.kind().misconfiguration()) {
                return next;
            }
            if (kept.kind().misconfiguration()) {
                return kept;
            }
            return next.kind() == FailureKind.REFUSED ? kept : next;
        }
    }
}
