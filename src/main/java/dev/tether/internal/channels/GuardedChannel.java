package dev.tether.internal.channels;

import com.rabbitmq.client.Channel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * The view of a pooled channel that {@code Channels} callbacks get: every call goes to the channel,
 * but for the three that would put it in a mode later borrowers do not expect. {@code txSelect}
 * (their publishes would sit in a transaction nobody commits), {@code basicConsume} (deliveries and
 * delivery tags shared with them) and {@code confirmSelect} are refused with an
 * {@link IllegalStateException} that says what to use instead; nothing is sent to the broker. The
 * callback then usually throws, and its channel is closed rather than given back.
 */
final class GuardedChannel {

    private static final Set<String> REFUSED = Set.of("txSelect", "basicConsume", "confirmSelect");

    private GuardedChannel() {
    }

    /**
     * @param channel a pooled channel
     * @param name its connection's name, for messages
     * @return the guarded view of {@code channel}
     */
    static Channel of(Channel channel, String name) {
        return (Channel) Proxy.newProxyInstance(Channel.class.getClassLoader(), new Class<?>[] {Channel.class},
                (proxy, method, args) -> {
                    if (REFUSED.contains(method.getName())) {
                        throw new IllegalStateException("Connection '" + name + "': " + method.getName()
                                + " is refused on a pooled channel (it would stay in that mode for later borrowers); "
                                + instead(method.getName()));
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "Guarded" + channel;
                        };
                    }
                    try {
                        return method.invoke(channel, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String instead(String refused) {
        return switch (refused) {
            case "confirmSelect" -> "publish with confirms through the Publisher";
            case "basicConsume" -> "consume on a channel of your own (connection.createChannel() from a Connected listener)";
            default -> "use a channel of your own for transactions (connection.createChannel())";
        };
    }
}
