package dev.tether.sample;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.NotConnectedException;
import dev.tether.Persistent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes persistent messages to the sample queue with publisher confirms, one channel per
 * message (channels belong to one connection; the injected proxy always hands out the live one).
 */
@ApplicationScoped
public class MessagePublisher {

    private static final Logger LOG = Logger.getLogger(MessagePublisher.class.getName());

    private final Connection connection;
    private final String queue;
    private final long confirmTimeoutMillis;

    /**
     * @param connection the {@code default} connection: while disconnected, a call waits up to
     *     {@code tether.await-timeout}, then throws {@link NotConnectedException}
     * @param queue the queue to publish to (through the default exchange)
     * @param confirmTimeoutMillis how long to wait for the broker's confirm
     */
    @Inject
    public MessagePublisher(@Persistent Connection connection,
            @ConfigProperty(name = "sample.queue", defaultValue = "tether.sample") String queue,
            @ConfigProperty(name = "sample.confirm-timeout-millis", defaultValue = "5000") long confirmTimeoutMillis) {
        this.connection = connection;
        this.queue = queue;
        this.confirmTimeoutMillis = confirmTimeoutMillis;
    }

    /** For the container's client proxy only. */
    protected MessagePublisher() {
        this(null, null, 0);
    }

    /**
     * Publishes {@code text} and waits for the broker's confirm. Blocks up to the await-timeout
     * while there is no connection, then up to the confirm timeout.
     *
     * @param text the message body (UTF-8)
     * @return the outcome; never throws
     */
    public PublishResult publish(String text) {
        String id = UUID.randomUUID().toString();
        Channel channel;
        try {
            channel = connection.createChannel();
        } catch (NotConnectedException | ShutdownSignalException e) {
            return new PublishResult(id, PublishResult.NOT_CONNECTED, e.getMessage());
        } catch (IOException e) {
            return failed(id, "could not open a channel", e);
        }
        if (channel == null) {
            return new PublishResult(id, PublishResult.FAILED, "the broker allows no more channels");
        }
        try {
            return publish(channel, id, text);
        } finally {
            closeQuietly(channel);
        }
    }

    private PublishResult publish(Channel channel, String id, String text) {
        AtomicReference<String> returned = new AtomicReference<>();
        try {
            channel.confirmSelect();
            // mandatory: a message no queue takes is returned (before its confirm) instead of dropped.
            channel.addReturnListener(r -> returned.set(r.getReplyCode() + " " + r.getReplyText()));
            AMQP.BasicProperties properties = MessageProperties.PERSISTENT_TEXT_PLAIN.builder()
                    .messageId(id)
                    .contentEncoding(StandardCharsets.UTF_8.name())
                    .build();
            channel.basicPublish("", queue, true, properties, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | ShutdownSignalException e) {
            return failed(id, "publish failed", e);
        }
        try {
            channel.waitForConfirmsOrDie(confirmTimeoutMillis);
        } catch (IOException e) {
            // waitForConfirmsOrDie throws IOException only when the broker nacked the message.
            return new PublishResult(id, PublishResult.NACKED, "the broker nacked the message: " + e.getMessage());
        } catch (TimeoutException e) {
            return new PublishResult(id, PublishResult.FAILED,
                    "no confirm within " + confirmTimeoutMillis + " ms; the message may or may not have arrived");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(id, "interrupted while waiting for the confirm", e);
        } catch (ShutdownSignalException e) {
            return failed(id, "the channel closed before the confirm arrived", e);
        }
        if (returned.get() != null) {
            return new PublishResult(id, PublishResult.FAILED,
                    "returned by the broker (" + returned.get() + "): no queue '" + queue + "'");
        }
        return new PublishResult(id, PublishResult.CONFIRMED, "confirmed by the broker; queue '" + queue + "'");
    }

    private static PublishResult failed(String id, String what, Exception e) {
        LOG.log(Level.WARNING, what + " (message " + id + ")", e);
        return new PublishResult(id, PublishResult.FAILED, what + ": " + e);
    }

    private static void closeQuietly(Channel channel) {
        if (!channel.isOpen()) {
            return; // waitForConfirmsOrDie closes the channel after a nack or a timeout
        }
        try {
            channel.close();
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "closing the publish channel", e);
        }
    }
}
