package dev.tether.internal.cdi;

import com.rabbitmq.client.Connection;
import dev.tether.Channels;
import dev.tether.Consumers;
import dev.tether.PersistentConnection;
import dev.tether.Publisher;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;
import java.util.Set;

/**
 * The run-time half of the synthetic beans that {@code internal.cdi.build.TetherExtension}
 * registers at build time: each creator finds the {@link ConnectionRegistry} and hands out one
 * name's proxy, holder, channels, publisher or consumers. The beans are {@code @Dependent}; what they return
 * is owned by the registry.
 */
public final class SyntheticCreators {

    private SyntheticCreators() {
    }

    public static final class ProxyCreator implements SyntheticBeanCreator<Connection> {
        @Override
        public Connection create(Instance<Object> lookup, Parameters params) {
            return RegistryLookup.from(lookup).proxy(params.get("name", String.class));
        }
    }

    /** Creates the {@code @Persistent(name) PersistentConnection} holder. */
    public static final class HolderCreator implements SyntheticBeanCreator<PersistentConnection> {
        @Override
        public PersistentConnection create(Instance<Object> lookup, Parameters params) {
            return RegistryLookup.from(lookup).holder(params.get("name", String.class));
        }
    }

    /** Creates the {@code @Persistent(name) Channels}: the holder's pool. */
    public static final class ChannelsCreator implements SyntheticBeanCreator<Channels> {
        @Override
        public Channels create(Instance<Object> lookup, Parameters params) {
            return RegistryLookup.from(lookup).holder(params.get("name", String.class)).channels();
        }
    }

    /** Creates the {@code @Persistent(name) Publisher}: the holder's publisher. */
    public static final class PublisherCreator implements SyntheticBeanCreator<Publisher> {
        @Override
        public Publisher create(Instance<Object> lookup, Parameters params) {
            return RegistryLookup.from(lookup).holder(params.get("name", String.class)).publisher();
        }
    }

    /** Creates the {@code @Persistent(name) Consumers}: the holder's managed consumers. */
    public static final class ConsumersCreator implements SyntheticBeanCreator<Consumers> {
        @Override
        public Consumers create(Instance<Object> lookup, Parameters params) {
            return RegistryLookup.from(lookup).holder(params.get("name", String.class)).consumers();
        }
    }

    /** Creates the {@link ConnectionNames}. */
    public static final class NamesCreator implements SyntheticBeanCreator<ConnectionNames> {
        @Override
        public ConnectionNames create(Instance<Object> lookup, Parameters params) {
            return new ConnectionNames(Set.of(params.get("names", String[].class)));
        }
    }
}
