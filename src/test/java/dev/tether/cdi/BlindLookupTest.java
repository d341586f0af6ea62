package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.Channels;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.Publisher;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.internal.cdi.SyntheticCreators;
import dev.tether.internal.health.ReadinessRegistration;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.UnsatisfiedResolutionException;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * The synthetic beans' creators find the registry even when the lookup the container hands them
 * sees no bean at all, as on Payara Micro 6, whose Weld integration gives each of Tether's
 * synthetic beans a bean archive of its own (deployment failed with {@code WELD-001334:
 * Unsatisfied dependencies for type ConnectionRegistry}).
 */
class BlindLookupTest {

    @Dependent
    static class Injected {
        @Inject @Persistent Connection connection;
    }

    @Test
    void everySyntheticBeanIsCreatedThroughALookupThatSeesNoBean() {
        try (var config = TetherCdi.config(Map.of("tether.uri", "amqp://127.0.0.1:1", "tether.eager", "false"));
                WeldContainer container = TetherCdi.weld(Injected.class).initialize()) {
            ConnectionRegistry registry = container.select(ConnectionRegistry.class).get();
            Parameters named = parameters(Map.of("name", "default"));

            PersistentConnection holder = new SyntheticCreators.HolderCreator().create(blindLookup(), named);
            Connection proxy = new SyntheticCreators.ProxyCreator().create(blindLookup(), named);
            Channels channels = new SyntheticCreators.ChannelsCreator().create(blindLookup(), named);
            Publisher publisher = new SyntheticCreators.PublisherCreator().create(blindLookup(), named);
            HealthCheckResponse readiness = new ReadinessRegistration.Creator().create(blindLookup(), named).call();

            assertSame(registry.holder("default"), holder);
            assertSame(registry.proxy("default"), proxy);
            assertSame(registry.holder("default").channels(), channels);
            assertSame(registry.holder("default").publisher(), publisher);
            assertEquals("tether", readiness.getName());
            assertEquals(HealthCheckResponse.Status.UP, readiness.getStatus(), "a lazy connection not yet used is IDLE");
            assertTrue(readiness.getData().orElseThrow().containsKey("default.state"), readiness.getData().toString());
        }
    }

    /** An {@code Instance<Object>} that resolves nothing, like the lookup of an isolated bean archive. */
    @SuppressWarnings("unchecked")
    private static Instance<Object> blindLookup() {
        return (Instance<Object>) Proxy.newProxyInstance(BlindLookupTest.class.getClassLoader(),
                new Class<?>[] {Instance.class}, (self, method, args) -> switch (method.getName()) {
                    case "select" -> self;
                    case "isUnsatisfied" -> true;
                    case "isAmbiguous", "isResolvable" -> false;
                    case "iterator" -> Collections.emptyIterator();
                    case "stream" -> Stream.empty();
                    case "toString" -> "blind lookup";
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> throw new UnsatisfiedResolutionException("the blind lookup sees no bean (" + method + ")");
                });
    }

    private static Parameters parameters(Map<String, Object> values) {
        return new Parameters() {
            @Override
            public <T> T get(String key, Class<T> type) {
                return type.cast(values.get(key));
            }

            @Override
            public <T> T get(String key, Class<T> type, T defaultValue) {
                return values.containsKey(key) ? type.cast(values.get(key)) : defaultValue;
            }
        };
    }
}
