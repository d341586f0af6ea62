package dev.tether.internal.holder;

import com.rabbitmq.client.Connection;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Connection} that only answers {@code isOpen()} (from a flag the test sets), for tests of
 * the holder's shared state that need no broker. Any other call fails the test.
 */
final class StubConnection {

    private final AtomicBoolean open = new AtomicBoolean(true);
    private final Connection connection;

    StubConnection(String name) {
        connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isOpen" -> open.get();
                    case "toString" -> "StubConnection[" + name + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("StubConnection." + method.getName());
                });
    }

    Connection connection() {
        return connection;
    }

    /** Makes {@code isOpen()} answer false from now on. */
    StubConnection closed() {
        open.set(false);
        return this;
    }
}
