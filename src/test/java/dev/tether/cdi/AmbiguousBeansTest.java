package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.DefaultCredentialsProvider;
import dev.tether.ConnectionState;
import dev.tether.Persistent;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.ThreadLeaks;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.inject.Inject;
import java.util.Map;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * A per-name bean with two candidates is a deployment problem naming the connection and the type,
 * not silently ignored (for credentials, that would mean connecting as the configured user).
 */
class AmbiguousBeansTest {

    private static final Map<String, String> CONFIG = Map.of(
            "tether.orders.uri", "amqp://app@127.0.0.1:1", "tether.orders.eager", "false");

    @Dependent
    static class UsesOrders {
        @Inject @Persistent("orders") Connection orders;
    }

    @Dependent
    static class VaultCredentials {
        @Produces
        @Persistent("orders")
        CredentialsProvider fromVault() {
            return new DefaultCredentialsProvider("vault-user", "vault-password");
        }
    }

    @Dependent
    static class SecretCredentials {
        @Produces
        @Persistent("orders")
        CredentialsProvider fromSecret() {
            return new DefaultCredentialsProvider("secret-user", "secret-password");
        }
    }

    @Test
    void twoCredentialsProvidersForOneNameFailTheDeploymentNamingTheNameAndTheType() {
        ThreadLeaks.Baseline threads = ThreadLeaks.baseline();
        try (var config = TetherCdi.config(CONFIG)) {
            RuntimeException failure = assertThrows(RuntimeException.class, () -> TetherCdi
                    .weld(UsesOrders.class, VaultCredentials.class, SecretCredentials.class).initialize().close());
            DeploymentException deployment = deploymentException(failure);
            assertNotNull(deployment, () -> "a DeploymentException in the chain of " + failure);
            String message = deployment.getMessage();
            assertTrue(message.contains("'orders'"), message);
            assertTrue(message.contains(CredentialsProvider.class.getName()), message);
            assertTrue(!message.contains("vault-password") && !message.contains("secret-password"), message);
        }
        assertTrue(ThreadLeaks.threadsStartingWith("tether-").isEmpty(), "no holder was started");
        threads.awaitNoNewThreads(java.time.Duration.ofSeconds(5), "ForkJoinPool", "weld");
    }

    @Test
    void oneCredentialsProviderForTheNameDeploys() {
        try (var config = TetherCdi.config(CONFIG);
                WeldContainer container = TetherCdi.weld(UsesOrders.class, VaultCredentials.class).initialize()) {
            ConnectionRegistry registry = container.select(ConnectionRegistry.class).get();
            assertEquals(ConnectionState.IDLE, registry.holder("orders").state(), "lazy: created, not started");
        }
    }

    private static DeploymentException deploymentException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DeploymentException deployment) {
                return deployment;
            }
        }
        return null;
    }
}
