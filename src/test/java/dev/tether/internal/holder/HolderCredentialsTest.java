package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.impl.CredentialsProvider;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.internal.connect.Sources;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A credentials provider asked on every attempt (plain Java, virtual time, embedded broker whose
 * only user is guest/guest): rotated values are used from the next attempt on, and a provider that
 * fails or gives nothing usable fails that attempt, never the holder.
 */
@ExtendWith(EmbeddedBroker.class)
class HolderCredentialsTest {

    private static final String OLD = "Old-R0tated-Secret";

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder events = new Recorder();
    private final Rotating credentials = new Rotating();
    private ConnectionHolder holder;

    /** A provider whose values the test changes, counting how often it was asked. */
    static final class Rotating implements CredentialsProvider {
        final AtomicReference<String> username = new AtomicReference<>("guest");
        final AtomicReference<String> password = new AtomicReference<>(OLD);
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public String getUsername() {
            asked.incrementAndGet();
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
            return username.get();
        }

        @Override
        public String getPassword() {
            return password.get();
        }
    }

    private void start(QpidBroker broker) {
        // the settings' own password is wrong too: only the provider's can connect
        ConnectionSettings settings = ConnectionSettings.builder().uri(broker.uri()).password("not-this-one").build();
        holder = Holders.withSources(settings, scheduler, new FixedRandom(0.5), new Sources(null, credentials, null), events);
        holder.start();
        scheduler.runDue();
    }

    @AfterEach
    void close() {
        if (holder != null) {
            holder.close();
            scheduler.runDue();
        }
    }

    @Test
    void theProviderIsAskedOnEveryAttemptAndARotatedPasswordIsUsedFromTheNextOn(QpidBroker broker) {
        start(broker);
        assertEquals(FailureKind.AUTHENTICATION, events.last(ConnectFailed.class).kind());
        assertEquals(1, credentials.asked.get());

        credentials.password.set("guest"); // rotated, as a Secret's file changes
        scheduler.advanceToNext();
        assertEquals(ConnectionState.CONNECTED, holder.state());
        assertEquals(2, credentials.asked.get());
        assertEquals(2, events.last(Connected.class).attempt());

        credentials.password.set(OLD); // rotated again, to a password the broker does not know
        holder.reconnect();
        scheduler.runDue();
        assertEquals(3, credentials.asked.get(), "the reconnection asked again");
        assertEquals(FailureKind.AUTHENTICATION, events.last(ConnectFailed.class).kind());
        String shown = events.events() + " " + holder.status() + " " + holder;
        assertFalse(shown.contains(OLD), shown);
    }

    @Test
    void aProviderThatThrowsFailsTheAttemptWithItsNameAndTheHolderRetries(QpidBroker broker) {
        credentials.failure.set(new IllegalStateException("vault is sealed"));
        start(broker);
        ConnectFailed failed = events.last(ConnectFailed.class);
        assertEquals(FailureKind.UNKNOWN, failed.kind(), "not misconfiguration: a secret store may come back");
        assertNull(failed.address(), "no address was tried");
        assertTrue(failed.cause().getMessage().contains(Rotating.class.getName()), failed.cause().getMessage());
        assertEquals(Duration.ofMillis(100), failed.nextDelay(), "the normal first delay (backoff.initial)");

        credentials.failure.set(null);
        credentials.password.set("guest");
        scheduler.advanceToNext();
        assertEquals(ConnectionState.CONNECTED, holder.state());
    }

    @Test
    void aProviderThatNeverAnswersFailsTheAttemptAsTimedOutNamingItAndNeverHoldsTheHolder(QpidBroker broker)
            throws Exception {
        java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        CredentialsProvider hung = new CredentialsProvider() {
            @Override
            public String getUsername() {
                inside.incrementAndGet();
                while (released.getCount() > 0) { // ignores interrupts, as a stuck client library may
                    try {
                        released.await();
                    } catch (InterruptedException ignored) {
                        // keeps waiting
                    }
                }
                return "guest";
            }

            @Override
            public String getPassword() {
                return "guest";
            }
        };
        ConnectionSettings settings = ConnectionSettings.builder("hung").uri(broker.uri())
                .connectionTimeout(Duration.ofMillis(300)).build();
        holder = Holders.withSources(settings, scheduler, new FixedRandom(0.5), new Sources(null, hung, null), events);
        holder.start();
        scheduler.runDue(); // the attempt waits for the provider at most connection-timeout (real time)
        ConnectFailed failed = events.last(ConnectFailed.class);
        assertEquals(FailureKind.TIMED_OUT, failed.kind(), failed.toString());
        assertNull(failed.address());
        assertEquals("the credentials provider " + hung.getClass().getName() + " did not answer within 300 ms",
                failed.cause().getMessage());
        assertEquals(Duration.ofMillis(100), failed.nextDelay(), "transient: the normal backoff");
        assertNull(holder.status().waitingFor(), "the attempt is over");

        scheduler.advanceToNext(); // the provider still has not returned: the next attempt says so
        ConnectFailed again = events.last(ConnectFailed.class);
        assertEquals(2, again.attempt());
        assertTrue(again.cause().getMessage().endsWith("(its previous call had not returned yet)"),
                again.cause().getMessage());
        assertEquals(1, inside.get(), "one call at a time: the second queued behind the first");

        released.countDown();
        scheduler.advanceToNext();
        assertEquals(ConnectionState.CONNECTED, holder.state());
    }

    @Test
    void aProviderWithoutUserNameOrPasswordIsAnAuthenticationFailure(QpidBroker broker) {
        credentials.username.set(null);
        start(broker);
        ConnectFailed noUser = events.last(ConnectFailed.class);
        assertEquals(FailureKind.AUTHENTICATION, noUser.kind());
        assertTrue(noUser.cause().getMessage().endsWith("gave no user name"), noUser.cause().getMessage());

        credentials.username.set("guest");
        credentials.password.set(null);
        scheduler.advanceToNext();
        ConnectFailed noPassword = events.last(ConnectFailed.class);
        assertEquals(2, noPassword.attempt());
        assertTrue(noPassword.cause().getMessage().endsWith("gave no password"), noPassword.cause().getMessage());
        assertEquals(ConnectionState.CONNECTING, holder.state());
    }

    @Test
    void expiringCredentialsGetARefreshThreadThatEndsWithTheHolder(QpidBroker broker) throws Exception {
        CredentialsProvider token = new CredentialsProvider() {
            @Override
            public String getUsername() {
                return "guest";
            }

            @Override
            public String getPassword() {
                return "guest";
            }

            @Override
            public Duration getTimeBeforeExpiration() {
                return Duration.ofHours(1); // the client registers it; its refresh is not due in this test
            }
        };
        PersistentConnection expiring = PersistentConnection.builder(
                ConnectionSettings.builder("expiring").uri(broker.uri()).build()).credentialsProvider(token).build();
        assertTrue(expiring.await(Duration.ofSeconds(10)).isOpen(), "connected with credentials that expire");
        assertTrue(refreshThreadAlive(), "the default refresh service runs on the holder's own thread");
        expiring.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Await.until("the refresh thread ended", Duration.ofSeconds(10), () -> !refreshThreadAlive());
    }

    @Test
    void expiringCredentialsWhoseProviderCannotRefreshAreWarnedAboutOnce(QpidBroker broker) {
        CredentialsProvider noRefresh = new CredentialsProvider() {
            @Override
            public String getUsername() {
                return "guest";
            }

            @Override
            public String getPassword() {
                return "guest";
            }

            @Override
            public Duration getTimeBeforeExpiration() {
                return Duration.ofHours(1);
            }
        };
        try (dev.tether.testing.LogCapture log = dev.tether.testing.LogCapture.of("dev.tether")) {
            holder = Holders.withSources(ConnectionSettings.builder("norefresh").uri(broker.uri()).build(), scheduler,
                    new FixedRandom(0.5), new Sources(null, noRefresh, null), events);
            holder.start();
            scheduler.runDue();
            holder.reconnect();
            scheduler.runDue();
            assertEquals(2, events.events().stream().filter(Connected.class::isInstance).count());
            assertEquals(1, log.messages().stream().filter(m -> m.contains("does not override refresh()")).count(),
                    log.messages().toString());
        }
    }

    /** A token that expired (the identity provider was down at the last refresh) and refreshes on demand. */
    static final class Token implements CredentialsProvider {
        final AtomicReference<String> token = new AtomicReference<>("expired-t0ken");
        final AtomicReference<Duration> ttl = new AtomicReference<>(Duration.ofSeconds(-5));
        final AtomicReference<RuntimeException> refreshFailure = new AtomicReference<>();
        final AtomicInteger refreshed = new AtomicInteger();

        @Override
        public String getUsername() {
            return "guest";
        }

        @Override
        public String getPassword() {
            return token.get();
        }

        @Override
        public Duration getTimeBeforeExpiration() {
            return ttl.get();
        }

        @Override
        public void refresh() {
            RuntimeException e = refreshFailure.get();
            if (e != null) {
                throw e;
            }
            refreshed.incrementAndGet();
            token.set("guest");
            ttl.set(Duration.ofHours(1));
        }
    }

    /** Records what the client registers, refreshing only when the test says. */
    static final class ManualRefreshService implements com.rabbitmq.client.impl.CredentialsRefreshService {
        final java.util.List<CredentialsProvider> registered = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String register(CredentialsProvider provider, java.util.concurrent.Callable<Boolean> refreshAction) {
            registered.add(provider);
            return "r" + registered.size();
        }

        @Override
        public void unregister(CredentialsProvider provider, String registrationId) {
        }

        @Override
        public boolean isApproachingExpiration(Duration timeBeforeExpiration) {
            return false;
        }
    }

    @Test
    void aTokenPastItsExpiryIsRefreshedBeforeTheAttemptNotSentAsItIs(QpidBroker broker) {
        Token token = new Token();
        holder = Holders.withSources(ConnectionSettings.builder("oauth").uri(broker.uri()).build(), scheduler,
                new FixedRandom(0.5), new Sources(null, token, new ManualRefreshService()), events);
        holder.start();
        scheduler.runDue();
        assertEquals(ConnectionState.CONNECTED, holder.state(), events.events().toString());
        assertEquals(1, token.refreshed.get());
    }

    @Test
    void aTokenNearExpiryWhoseRefreshFailsFailsTheAttemptAsTransientNotAsAuthentication(QpidBroker broker) {
        Token token = new Token();
        token.ttl.set(Duration.ofSeconds(2)); // within connection-timeout (10 s): it could expire during the handshake
        token.refreshFailure.set(new IllegalStateException("identity provider down"));
        holder = Holders.withSources(ConnectionSettings.builder("oauth").uri(broker.uri()).build(), scheduler,
                new FixedRandom(0.5), new Sources(null, token, new ManualRefreshService()), events);
        holder.start();
        scheduler.runDue();
        ConnectFailed failed = events.last(ConnectFailed.class);
        assertEquals(FailureKind.UNKNOWN, failed.kind(), "the identity provider may come back: normal backoff");
        assertTrue(failed.cause().getMessage().contains("could not refresh credentials"), failed.cause().getMessage());
        token.refreshFailure.set(null);
        scheduler.advanceToNext();
        assertEquals(ConnectionState.CONNECTED, holder.state());
    }

    @Test
    void aFailedRefreshOnTheLiveConnectionIsAnEventAndInTheStatusUntilARefreshSucceeds(QpidBroker broker) {
        Token token = new Token();
        token.token.set("guest");
        token.ttl.set(Duration.ofHours(1));
        ManualRefreshService service = new ManualRefreshService();
        holder = Holders.withSources(ConnectionSettings.builder("oauth").uri(broker.uri()).build(), scheduler,
                new FixedRandom(0.5), new Sources(null, token, service), events);
        holder.start();
        scheduler.runDue();
        assertEquals(ConnectionState.CONNECTED, holder.state());
        CredentialsProvider registered = service.registered.get(0);

        token.refreshFailure.set(new IllegalStateException("identity provider down"));
        assertThrowsIllegalState(registered::refresh); // what the client's refresh service calls
        scheduler.runDue();
        dev.tether.ConnectionEvent.CredentialsRefreshFailed failed =
                events.last(dev.tether.ConnectionEvent.CredentialsRefreshFailed.class);
        assertEquals("identity provider down", failed.cause().getMessage());
        assertEquals(failed, holder.status().refreshFailure());
        assertFalse(failed.toString().contains("identity provider down"), failed.toString());

        token.refreshFailure.set(null);
        registered.refresh();
        scheduler.runDue();
        assertNull(holder.status().refreshFailure());
        assertEquals(ConnectionState.CONNECTED, holder.state());
    }

    private static void assertThrowsIllegalState(Runnable call) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, call::run);
    }

    @Test
    void aCloseWhoseTaskTheSchedulerRefusesStillStopsTheRefreshThread(QpidBroker broker) throws Exception {
        CredentialsProvider token = expiringGuest();
        holder = Holders.withSources(ConnectionSettings.builder("expiring").uri(broker.uri()).build(), scheduler,
                new FixedRandom(0.5), new Sources(null, token, null), events);
        holder.start();
        scheduler.runDue();
        assertEquals(ConnectionState.CONNECTED, holder.state());
        assertTrue(refreshThreadAlive());
        scheduler.shutdown(); // e.g. the executor was shut down under the holder: the close task is refused
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Await.until("the refresh thread ended", Duration.ofSeconds(10), () -> !refreshThreadAlive());
    }

    private static CredentialsProvider expiringGuest() {
        return new CredentialsProvider() {
            @Override
            public String getUsername() {
                return "guest";
            }

            @Override
            public String getPassword() {
                return "guest";
            }

            @Override
            public Duration getTimeBeforeExpiration() {
                return Duration.ofHours(1);
            }

            @Override
            public void refresh() {
            }
        };
    }

    private static boolean refreshThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("tether-expiring-token-refresh"));
    }
}
