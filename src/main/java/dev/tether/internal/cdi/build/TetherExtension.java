package dev.tether.internal.cdi.build;

import com.rabbitmq.client.Connection;
import dev.tether.Channels;
import dev.tether.Consumers;
import dev.tether.ConnectionSettings;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.Publisher;
import dev.tether.internal.cdi.ConnectionNames;
import dev.tether.internal.cdi.SyntheticCreators;
import dev.tether.internal.config.ConfigReader;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.BeanInfo;
import jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension;
import jakarta.enterprise.inject.build.compatible.spi.InjectionPointInfo;
import jakarta.enterprise.inject.build.compatible.spi.Registration;
import jakarta.enterprise.inject.build.compatible.spi.Synthesis;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;
import jakarta.enterprise.lang.model.AnnotationInfo;
import jakarta.enterprise.lang.model.types.Type;
import jakarta.inject.Provider;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Registers, for every name used at a {@code @Persistent} injection point of type
 * {@link Connection}, {@link PersistentConnection}, {@link Channels}, {@link Publisher} or {@link Consumers} (also inside
 * {@code Instance<>} and {@code Provider<>}) and every name with its own {@code tether.<name>.*}
 * key, one synthetic bean of each type with the qualifier {@code @Persistent(name)}.
 * A build compatible extension, so it runs in CDI Lite (Quarkus) and, through Weld's translator,
 * in CDI Full (Open Liberty, Payara, WildFly, Weld SE).
 */
public class TetherExtension implements BuildCompatibleExtension {

    private static final String CONNECTION = Connection.class.getName();
    private static final String HOLDER = PersistentConnection.class.getName();
    private static final Set<String> MANAGED = Set.of(CONNECTION, HOLDER, Channels.class.getName(),
            Publisher.class.getName(), Consumers.class.getName());
    private static final Set<String> WRAPPERS = Set.of(Instance.class.getName(), Provider.class.getName());

    private final Set<String> connectionNames = new TreeSet<>();

    /** Collects the names of one bean's injection points. */
    @Registration(types = Object.class)
    public void collect(BeanInfo bean) {
        for (InjectionPointInfo injectionPoint : bean.injectionPoints()) {
            if (isManagedType(injectionPoint.type())) {
                for (AnnotationInfo qualifier : injectionPoint.qualifiers()) {
                    if (qualifier.name().equals(Persistent.class.getName())) {
                        connectionNames.add(qualifier.hasMember("value")
                                ? qualifier.value().asString()
                                : ConnectionSettings.DEFAULT_NAME);
                    }
                }
            }
        }
    }

    /**
     * Registers the beans: for every name used at an injection point of a bean, and every name with
     * its own {@code tether.<name>.*} key, so that servlets, filters and other components that are
     * not beans can inject it too.
     */
    @Synthesis
    public void register(SyntheticComponents components) {
        connectionNames.addAll(configuredNames());
        for (String name : connectionNames) {
            components.addBean(Connection.class).type(Connection.class).qualifier(Persistent.Literal.of(name))
                    .scope(Dependent.class).withParam("name", name).createWith(SyntheticCreators.ProxyCreator.class);
            components.addBean(PersistentConnection.class).type(PersistentConnection.class)
                    .qualifier(Persistent.Literal.of(name)).scope(Dependent.class).withParam("name", name)
                    .createWith(SyntheticCreators.HolderCreator.class);
            components.addBean(Channels.class).type(Channels.class).qualifier(Persistent.Literal.of(name))
                    .scope(Dependent.class).withParam("name", name).createWith(SyntheticCreators.ChannelsCreator.class);
            components.addBean(Publisher.class).type(Publisher.class).qualifier(Persistent.Literal.of(name))
                    .scope(Dependent.class).withParam("name", name).createWith(SyntheticCreators.PublisherCreator.class);
            components.addBean(Consumers.class).type(Consumers.class).qualifier(Persistent.Literal.of(name))
                    .scope(Dependent.class).withParam("name", name).createWith(SyntheticCreators.ConsumersCreator.class);
        }
        components.addBean(ConnectionNames.class).type(ConnectionNames.class).scope(Dependent.class)
                .withParam("names", connectionNames.toArray(String[]::new)).createWith(SyntheticCreators.NamesCreator.class);
    }

    /**
     * The names configuration lists now: at deployment on the Weld runtimes; at build time on
     * Quarkus, where a name set only at run time (an environment variable) needs an injection
     * point in a bean.
     */
    private static Set<String> configuredNames() {
        try {
            return new ConfigReader(ConfigProvider.getConfig()).configuredNames();
        } catch (RuntimeException | LinkageError noConfig) {
            return Set.of();
        }
    }

    private static boolean isManagedType(Type type) {
        if (type.isClass()) {
            String name = type.asClass().declaration().name();
            return MANAGED.contains(name);
        }
        if (type.isParameterizedType() && WRAPPERS.contains(type.asParameterizedType().declaration().name())) {
            return type.asParameterizedType().typeArguments().stream().anyMatch(TetherExtension::isManagedType);
        }
        return false;
    }

    /** Creates the {@code @Persistent(name) Connection} proxy. */
}
