package dev.tether.sample;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.MessageProperties;
import dev.tether.Persistent;
import dev.tether.PublishException;
import dev.tether.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /api/messages} publishes (body as {@code text/plain}, or the form field
 * {@code message}) through the library's {@link Publisher}: persistent, mandatory (a message no
 * queue takes is returned, not dropped), confirmed by the broker. {@code GET /api/messages} lists
 * what the consumer received.
 */
@Path("/messages")
@ApplicationScoped
public class MessagesResource {

    private final Publisher publisher;
    private final String queue;
    private final MessageConsumer consumer;

    /**
     * @param publisher the {@code default} connection's confirming publisher: while disconnected, a
     *     publish waits up to {@code tether.await-timeout}, then fails as {@code NOT_SENT}
     * @param queue the queue to publish to (through the default exchange)
     * @param consumer records what it consumed
     */
    @Inject
    public MessagesResource(@Persistent Publisher publisher,
            @ConfigProperty(name = "sample.queue", defaultValue = "tether.sample") String queue,
            MessageConsumer consumer) {
        this.publisher = publisher;
        this.queue = queue;
        this.consumer = consumer;
    }

    /** For the container's client proxy only. */
    protected MessagesResource() {
        this(null, null, null);
    }

    /**
     * @param text the message
     * @return the outcome: 200 confirmed, 503 not connected (after the await-timeout), 500 otherwise
     */
    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    public Response publishText(String text) {
        return respond(publish(text == null ? "" : text));
    }

    /**
     * @param message the form field {@code message}
     * @return as {@link #publishText(String)}; 400 when the field is missing
     */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response publishForm(@FormParam("message") String message) {
        if (message == null) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(new PublishResult(UUID.randomUUID().toString(), PublishResult.FAILED,
                            "form field 'message' is missing"))
                    .build();
        }
        return respond(publish(message));
    }

    /** @return the consumed texts, oldest first, at most 100 */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<String> consumed() {
        return consumer.consumed();
    }

    /** Publishes and waits for the confirm; never throws. */
    private PublishResult publish(String text) {
        String id = UUID.randomUUID().toString();
        AMQP.BasicProperties properties = MessageProperties.PERSISTENT_TEXT_PLAIN.builder()
                .messageId(id).contentEncoding(StandardCharsets.UTF_8.name()).build();
        try {
            publisher.publish("", queue, true, properties, text.getBytes(StandardCharsets.UTF_8));
            return new PublishResult(id, PublishResult.CONFIRMED, "confirmed by the broker; queue '" + queue + "'");
        } catch (PublishException e) {
            String outcome = switch (e.reason()) {
                case NOT_SENT -> PublishResult.NOT_CONNECTED;
                case NACKED -> PublishResult.NACKED;
                default -> PublishResult.FAILED;
            };
            return new PublishResult(id, outcome, e.reason() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PublishResult(id, PublishResult.FAILED, "interrupted while waiting for the confirm");
        }
    }

    private static Response respond(PublishResult result) {
        return Response.status(result.httpStatus()).entity(result).build();
    }
}
