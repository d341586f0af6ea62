package dev.tether.internal.health;

import com.rabbitmq.client.Address;
import dev.tether.AddressFailure;
import dev.tether.ConfigKeys;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionState;
import dev.tether.ConnectionStatus;
import dev.tether.PersistentConnection;
import dev.tether.Subscription;
import dev.tether.internal.cdi.ConnectionRegistry;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Readiness: UP when every connection is {@code CONNECTED}, or {@code IDLE} (lazy and not yet
 * asked for: no traffic reaches a pod that is not ready, so DOWN would never end). Reads the holders' cached status only,
 * so a probe does no I/O, never hangs and costs the broker nothing. Data per connection, under
 * {@code <name>.}: state, since, address and virtual host (never credentials), attempts in the
 * current outage, last failure, blocked; what a running attempt waits for; a failed refresh of
 * expiring credentials; the node it is
 * connected to ({@code connected-to}, while connected); and, for the last failed attempt, one
 * {@code last-failure.<host:port>} entry per address that attempt tried, with why it failed (so
 * during a cluster's rolling restart a probe shows every node's outcome). Every value is built from
 * fields that hold no secret ({@link FailureReason}), never from a message masked afterwards; an
 * address from a resolver shows its host only when it is a plain name. A subscription made
 * {@linkplain dev.tether.SubscriptionOptions#requiredForReadiness() required for readiness} keeps it
 * DOWN while it waits (no consumer), with its reason under {@code <name>.subscription.<queue>.reason}. Never throws: a
 * failure of the check itself is DOWN with an {@code error}.
 *
 * <p>Not a discovered bean: {@link ReadinessRegistration} registers it, as a synthetic
 * {@code @Readiness} bean, only when MicroProfile Health is present and
 * {@code tether.health.enabled} is not {@code false}. Quarkus registers it at build time, from the
 * build's configuration: when {@code tether.health.enabled=false} is set only at run time, the
 * check stays registered but reports UP with {@code enabled=false} and nothing else, so Tether
 * never makes readiness DOWN there either.
 */
public final class ReadinessCheck implements HealthCheck {

    /** The check's name in the health response. */
    public static final String NAME = "tether";

    private final ConnectionRegistry registry;

    ReadinessCheck(ConnectionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            if (!registry.switchedOn(ConfigKeys.HEALTH_ENABLED)) {
                return HealthCheckResponse.named(NAME).up().withData("enabled", false).build();
            }
            HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
            boolean up = true;
            List<PersistentConnection> holders = registry.holders().stream()
                    .sorted(Comparator.comparing(PersistentConnection::name)).toList();
            for (PersistentConnection holder : holders) {
                ConnectionState state = holder.state();
                up &= state == ConnectionState.CONNECTED || state == ConnectionState.IDLE;
                describe(holder, response);
                up &= describeSubscriptions(holder, response);
            }
            return response.status(up).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named(NAME).down().withData("error", e.getClass().getName()).build();
        }
    }

    /**
     * The subscriptions made {@linkplain dev.tether.SubscriptionOptions#requiredForReadiness() required for
     * readiness}: {@code <name>.subscription.<queue>} is the state, and while one waits,
     * {@code <name>.subscription.<queue>.reason} says why (the latest failed attempt or loss).
     *
     * @return false when one of them cannot consume (waiting); paused counts as ready
     */
    private static boolean describeSubscriptions(PersistentConnection holder, HealthCheckResponseBuilder response) {
        boolean up = true;
        for (Subscription subscription : holder.consumers().subscriptions()) {
            if (!subscription.options().requiredForReadiness()) {
                continue;
            }
            Subscription.State state = subscription.state();
            String key = holder.name() + ".subscription." + subscription.queue();
            response.withData(key, state.name());
            if (state == Subscription.State.WAITING) {
                up = false;
                response.withData(key + ".reason", subscription.problem().map(FailureReason::of)
                        .orElse("not subscribed yet (waiting for the connection)"));
            }
        }
        return up;
    }

    private static void describe(PersistentConnection holder, HealthCheckResponseBuilder response) {
        ConnectionStatus status = holder.status();
        String prefix = holder.name() + ".";
        Address address = status.address() != null ? status.address() : holder.settings().addresses().get(0);
        response.withData(prefix + "state", status.state().name())
                .withData(prefix + "since", status.since().toString())
                .withData(prefix + "address", FailureReason.hostPort(address))
                .withData(prefix + "virtual-host", holder.settings().virtualHost())
                .withData(prefix + "attempts", status.attempts())
                .withData(prefix + "blocked", status.blocked());
        if (status.address() != null) {
            response.withData(prefix + "connected-to", FailureReason.hostPort(status.address()));
        }
        if (status.blocked()) {
            response.withData(prefix + "blocked-reason", status.blockedReason());
        }
        if (status.waitingFor() != null) {
            response.withData(prefix + "waiting-for", status.waitingFor());
        }
        ConnectionEvent.CredentialsRefreshFailed refresh = status.refreshFailure();
        if (refresh != null) {
            response.withData(prefix + "credentials-refresh-failed", refresh.cause().getClass().getName())
                    .withData(prefix + "credentials-refresh-failed-at", refresh.at().toString());
        }
        ConnectionEvent.ConnectFailed failure = status.lastFailure();
        if (failure != null) {
            String where = failure.address() == null ? "" : " at " + FailureReason.hostPort(failure.address());
            response.withData(prefix + "last-failure", failure.kind() + where + " (attempt " + failure.attempt() + "): "
                            + FailureReason.of(failure.kind(), failure.cause()))
                    .withData(prefix + "last-failure-at", failure.at().toString());
            for (AddressFailure each : failure.each()) {
                String at = FailureReason.hostPort(each.address());
                response.withData(prefix + "last-failure." + at,
                        each.kind() + " at " + at + ": " + FailureReason.of(each.kind(), each.cause()));
            }
        }
    }
}
