package dev.tether.e2e;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.tether.NotConnectedException;
import dev.tether.Persistent;
import dev.tether.PublishException;
import dev.tether.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

/**
 * The round trip, on either connection ({@code default} or {@code audit}), through the injected
 * proxies:
 * <ul>
 * <li>{@code POST /api/messages/{connection}} publishes the text body to that connection's queue
 *     and waits for the broker's confirm: 200 {@code confirmed}, 503 when not connected within
 *     {@code await-timeout};
 * <li>{@code POST /api/messages/{connection}/publisher} publishes the same way through the injected
 *     {@code Publisher} (mandatory, so a missing queue fails as {@code RETURNED}): 200
 *     {@code confirmed}, 503 with the reason when it was not confirmed;
 * <li>{@code GET /api/messages/{connection}} takes one message ({@code basic.get}, auto-ack):
 *     200 with its text, or 204 when the queue is empty.
 * </ul>
 */
@ApplicationScoped
@Path("messages/{connection}")
public class MessagesResource {

    private static final long CONFIRM_TIMEOUT_MILLIS = 5_000;

    @Inject
    @Persistent
    Connection connection;

    @Inject
    @Persistent("audit")
    Connection audit;

    @Inject
    @Persistent
    Publisher publisher;

    @Inject
    @Persistent("audit")
    Publisher auditPublisher;

    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public Response publish(@PathParam("connection") String name, String text)
            throws IOException, TimeoutException, InterruptedException {
        try (Channel channel = proxy(name).createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", queue(name), null, text.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
            return Response.ok("confirmed").build();
        } catch (NotConnectedException e) {
            return notConnected(e);
        }
    }

    @POST
    @Path("publisher")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public Response publishThroughPublisher(@PathParam("connection") String name, String text)
            throws InterruptedException {
        Publisher through = switch (name) {
            case "default" -> publisher;
            case "audit" -> auditPublisher;
            default -> throw new NotFoundException("no connection '" + name + "'");
        };
        try {
            through.publish("", queue(name), true, null, text.getBytes(StandardCharsets.UTF_8));
            return Response.ok("confirmed").build();
        } catch (PublishException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.TEXT_PLAIN)
                    .entity(e.reason() + ": " + e.getMessage()).build();
        }
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response take(@PathParam("connection") String name) throws IOException, TimeoutException {
        try (Channel channel = proxy(name).createChannel()) {
            GetResponse message = channel.basicGet(queue(name), true);
            return message == null
                    ? Response.noContent().build()
                    : Response.ok(new String(message.getBody(), StandardCharsets.UTF_8)).build();
        } catch (NotConnectedException e) {
            return notConnected(e);
        }
    }

    private Connection proxy(String name) {
        return switch (name) {
            case "default" -> connection;
            case "audit" -> audit;
            default -> throw new NotFoundException("no connection '" + name + "'");
        };
    }

    private static String queue(String name) {
        return Queues.BY_CONNECTION.get(name);
    }

    private static Response notConnected(NotConnectedException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.TEXT_PLAIN)
                .entity("not-connected: " + e.getMessage()).build();
    }
}
