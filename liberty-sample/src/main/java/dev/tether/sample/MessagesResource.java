package dev.tether.sample;

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
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/messages} publishes (body as {@code text/plain}, or the form field
 * {@code message}); {@code GET /api/messages} lists what the consumer received.
 */
@Path("/messages")
@ApplicationScoped
public class MessagesResource {

    private final MessagePublisher publisher;
    private final MessageConsumer consumer;

    /**
     * @param publisher publishes with confirms
     * @param consumer records what it consumed
     */
    @Inject
    public MessagesResource(MessagePublisher publisher, MessageConsumer consumer) {
        this.publisher = publisher;
        this.consumer = consumer;
    }

    /** For the container's client proxy only. */
    protected MessagesResource() {
        this(null, null);
    }

    /**
     * @param text the message
     * @return the outcome: 200 confirmed, 503 not connected (after the await-timeout), 500 otherwise
     */
    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    public Response publishText(String text) {
        return respond(publisher.publish(text == null ? "" : text));
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
        return respond(publisher.publish(message));
    }

    /** @return the consumed texts, oldest first, at most 100 */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<String> consumed() {
        return consumer.consumed();
    }

    private static Response respond(PublishResult result) {
        return Response.status(result.httpStatus()).entity(result).build();
    }
}
