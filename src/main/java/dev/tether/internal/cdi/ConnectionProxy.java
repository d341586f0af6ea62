package dev.tether.internal.cdi;

import com.rabbitmq.client.BlockedCallback;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.UnblockedCallback;
import dev.tether.internal.access.ConnectionAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;

/**
 * The {@link Connection} applications inject: every call goes to the holder's current connection,
 * waiting up to {@code await-timeout} while there is none. {@code close()} and {@code abort()}
 * leave the managed connection open; {@code isOpen()} answers from the holder's state without
 * waiting; shutdown and blocked listeners outlive the connection they were added to, and
 * {@code clearBlockedListeners()} removes only those; {@code notifyListeners()} does nothing.
 */
final class ConnectionProxy implements InvocationHandler {

    private static final System.Logger LOG = System.getLogger(ConnectionProxy.class.getName());

    private final ConnectionAccess holder;
    private final ProxyListeners listeners;

    private ConnectionProxy(ConnectionAccess holder, ProxyListeners listeners) {
        this.holder = holder;
        this.listeners = listeners;
    }

    static Connection create(ConnectionAccess holder, ProxyListeners listeners) {
        return (Connection) Proxy.newProxyInstance(ConnectionProxy.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new ConnectionProxy(holder, listeners));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
        }
        switch (method.getName()) {
            case "close", "abort" -> {
                LOG.log(Level.DEBUG, () -> "Connection '" + holder.name() + "': " + method.getName()
                        + "() on the injected proxy ignored; the container owns the connection");
                return null;
            }
            case "isOpen" -> {
                return holder.current().isPresent(); // no waiting; false as soon as the connection closed
            }
            case "addShutdownListener" -> {
                listeners.add((ShutdownListener) args[0]);
                return null;
            }
            case "removeShutdownListener" -> {
                listeners.remove((ShutdownListener) args[0]);
                return null;
            }
            case "addBlockedListener" -> {
                BlockedListener listener = args.length == 1
                        ? (BlockedListener) args[0]
                        : blockedListener((BlockedCallback) args[0], (UnblockedCallback) args[1]);
                listeners.add(listener);
                return args.length == 1 ? null : listener;
            }
            case "removeBlockedListener" -> {
                return listeners.remove((BlockedListener) args[0]);
            }
            case "notifyListeners" -> {
                // The client's protected API: on the real connection it would call Tether's own
                // shutdown listener as if the connection had closed. Nothing has shut down here.
                LOG.log(Level.DEBUG, () -> "Connection '" + holder.name()
                        + "': notifyListeners() on the injected proxy ignored");
                return null;
            }
            case "clearBlockedListeners" -> {
                listeners.clearBlocked();
                return null;
            }
            default -> {
                return delegate(method, args);
            }
        }
    }

    private Object delegate(Method method, Object[] args) throws Throwable {
        Connection connection;
        try {
            connection = awaitConnection();
        } catch (IOException e) {
            boolean declaresIo = Arrays.stream(method.getExceptionTypes()).anyMatch(t -> t.isAssignableFrom(IOException.class));
            throw declaresIo ? e : new UncheckedIOException(e);
        }
        try {
            return method.invoke(connection, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private Connection awaitConnection() throws IOException {
        return holder.awaitOrFail(holder.deadline(), null);
    }

    private Object objectMethod(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "Connection proxy for " + holder;
        };
    }

    private static BlockedListener blockedListener(BlockedCallback blocked, UnblockedCallback unblocked) {
        return new BlockedListener() {
            @Override
            public void handleBlocked(String reason) throws IOException {
                blocked.handle(reason);
            }

            @Override
            public void handleUnblocked() throws IOException {
                unblocked.handle();
            }
        };
    }
}
