package dev.tether.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests one {@link QpidBroker} shared by the whole test JVM.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedBroker.class)
 * class MyTest {
 *     MyTest(QpidBroker broker) { ... }           // constructor parameter, or
 *     @Test void t(QpidBroker broker) { ... }     // test / lifecycle method parameter
 * }
 * }</pre>
 *
 * <p>The broker is started on first use, kept in the root {@link ExtensionContext.Store} and
 * closed when the root context closes (end of the test run). <strong>The shared broker must
 * never be stopped</strong>: its {@link QpidBroker#stop()} and {@link QpidBroker#restart()} throw
 * {@link IllegalStateException}. Tests about broker outages start a {@link QpidBroker} of their own
 * (a restart is tens of milliseconds once Qpid is loaded). Since other test classes use the same
 * broker, use unique queue names and count only your own connections.
 */
public final class EmbeddedBroker implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedBroker.class);

    /** Creates the extension; JUnit calls this. */
    public EmbeddedBroker() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == QpidBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return shared(extensionContext);
    }

    /**
     * The shared broker, started if this is the first use in this test JVM.
     *
     * @param context any extension context of the test run
     * @return the shared, running broker
     */
    public static QpidBroker shared(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedBroker.class, k -> new SharedBroker(), SharedBroker.class)
                .broker;
    }

    /** Holds the shared broker in the root store so that JUnit closes it at the end of the run. */
    private static final class SharedBroker implements ExtensionContext.Store.CloseableResource {
        final QpidBroker broker;

        SharedBroker() {
            broker = QpidBroker.start();
            broker.markShared();
        }

        @Override
        public void close() {
            broker.close();
        }
    }
}
