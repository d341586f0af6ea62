package dev.tether.internal.connect;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import java.lang.System.Logger.Level;

/**
 * The RabbitMQ client's exception handler, except that a connection's I/O failure is logged at
 * DEBUG: the holder already reports the loss once (and its recovery), so the client's own WARN for
 * every reset would only repeat it. Errors in consumers and listeners are still logged by the client.
 */
final class QuietConnectionErrors extends ForgivingExceptionHandler {

    static final QuietConnectionErrors INSTANCE = new QuietConnectionErrors();

    private static final System.Logger LOG = System.getLogger(QuietConnectionErrors.class.getName());

    @Override
    public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
        LOG.log(Level.DEBUG, () -> "I/O failure on " + connection + ": " + exception);
    }
}
