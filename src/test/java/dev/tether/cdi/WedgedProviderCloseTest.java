package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.impl.CredentialsProvider;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.Await;
import dev.tether.testing.ThreadLeaks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * Five connections share a credentials provider that never returns (a hung Vault). Shutting the
 * container down closes them all at once, within a bound far below Kubernetes' 30 s grace period:
 * no Tether thread is left and every {@code closeFinished} is complete. Before, each holder's
 * thread was stuck in the provider, its close queued behind it, and the registry waited
 * {@code connection-timeout} + 2 s for each in turn (about 60 s for five).
 */
class WedgedProviderCloseTest {

    static final String[] NAMES = {"a", "b", "c", "d", "e"};

    /** Never returns until interrupted; counts the callers inside. */
    static final class HungVault implements CredentialsProvider {
        static final AtomicInteger INSIDE = new AtomicInteger();
        private final CountDownLatch never = new CountDownLatch(1);

        @Override
        public String getUsername() {
            INSIDE.incrementAndGet();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                INSIDE.decrementAndGet();
            }
            throw new IllegalStateException("interrupted");
        }

        @Override
        public String getPassword() {
            return "never";
        }
    }

    @ApplicationScoped
    static class Vaults {
        final HungVault vault = new HungVault();

        @Produces @Persistent("a") CredentialsProvider a() {
            return vault;
        }

        @Produces @Persistent("b") CredentialsProvider b() {
            return vault;
        }

        @Produces @Persistent("c") CredentialsProvider c() {
            return vault;
        }

        @Produces @Persistent("d") CredentialsProvider d() {
            return vault;
        }

        @Produces @Persistent("e") CredentialsProvider e() {
            return vault;
        }
    }

    @Test
    void fiveHoldersWedgedInOneProviderCloseTogetherWithinTheBoundAndLeaveNoThread() throws Exception {
        Map<String, String> config = new HashMap<>();
        for (String name : NAMES) {
            config.put("tether." + name + ".uri", "amqp://127.0.0.1:1"); // never reached: the provider hangs first
        }
        ThreadLeaks.Baseline before = ThreadLeaks.baseline();
        List<PersistentConnection> holders = new ArrayList<>();
        long closeMillis;
        try (var scope = TetherCdi.config(config)) {
            WeldContainer container = TetherCdi.weld(Vaults.class).initialize();
            ConnectionRegistry registry = container.select(ConnectionRegistry.class).get();
            for (String name : NAMES) {
                holders.add(registry.holder(name));
            }
            Await.until("five holders inside the provider", Duration.ofSeconds(10), () -> HungVault.INSIDE.get() == 5);
            for (PersistentConnection holder : holders) {
                String waiting = holder.status().waitingFor();
                assertTrue(waiting != null && waiting.contains(HungVault.class.getName()), String.valueOf(waiting));
            }
            long start = System.nanoTime();
            container.close(); // the registry's @PreDestroy closes every holder
            closeMillis = (System.nanoTime() - start) / 1_000_000;
        }
        System.out.println("WedgedProviderCloseTest: five wedged holders closed in " + closeMillis + " ms");
        assertTrue(closeMillis < 5_000, "closing took " + closeMillis + " ms");
        for (PersistentConnection holder : holders) {
            assertTrue(holder.closeFinished().toCompletableFuture().isDone(), holder.name() + " closeFinished");
        }
        before.awaitNoNewThreads(Duration.ofSeconds(5));
        ThreadLeaks.awaitNone("tether-", Duration.ofSeconds(1));
    }
}
