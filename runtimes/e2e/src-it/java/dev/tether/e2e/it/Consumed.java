package dev.tether.e2e.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.e2e.it.Http.Reply;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the test application's subscription (its {@code ConsumedMessages}, through the injected
 * {@code Consumers}) reports at {@code GET /api/consumed}, and the test's own access to the queue it
 * consumes, on virtual host {@code /} of the shared node.
 *
 * @param state the subscription's state ({@code WAITING}, {@code CONSUMING}, ...)
 * @param started how many times it started consuming (its {@code SubscriptionEvent.Started} events)
 * @param inFlight handlers running now
 * @param texts the texts handled, oldest first
 */
record Consumed(String state, int started, int inFlight, List<String> texts) {

    /** The queue the application consumes. */
    static final String QUEUE = "tether.e2e.consumed";

    /** Prefix of a message the application takes 1 s to handle. */
    static final String SLOW = "slow-";

    private static final Pattern JSON = Pattern.compile(
            "\\{\"state\":\"(\\w+)\",\"started\":(\\d+),\"inFlight\":(\\d+),\"texts\":\\[(.*)\\]\\}");

    /** @return what the application's subscription reports now */
    static Consumed of(AppServer server) {
        Reply reply = Http.get(server.appUrl() + "/api/consumed");
        assertEquals(200, reply.status(), "GET /api/consumed: " + reply);
        Matcher m = JSON.matcher(reply.body().strip());
        if (!m.matches()) {
            throw new AssertionError("GET /api/consumed answered " + reply.body());
        }
        List<String> texts = m.group(4).isEmpty() ? List.of()
                : Arrays.stream(m.group(4).split(",")).map(text -> text.substring(1, text.length() - 1)).toList();
        return new Consumed(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), texts);
    }

    /** Publishes a text to {@link #QUEUE} on a connection of the test's own, closed after. */
    static void publish(RabbitMqNode node, String text) {
        try (com.rabbitmq.client.Connection connection = node.connectionFactory().newConnection("e2e-publisher");
                com.rabbitmq.client.Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", QUEUE, true, null, text.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);
        } catch (IOException | TimeoutException | InterruptedException e) {
            throw new AssertionError("cannot publish to " + QUEUE + ": " + e, e);
        }
    }

    /** @return the texts of every message in a queue of virtual host {@code /}, taken off it */
    static List<String> drain(RabbitMqNode node, String queue) {
        try (com.rabbitmq.client.Connection connection = node.connectionFactory().newConnection("e2e-reader");
                com.rabbitmq.client.Channel channel = connection.createChannel()) {
            List<String> texts = new ArrayList<>();
            for (com.rabbitmq.client.GetResponse message; (message = channel.basicGet(queue, true)) != null; ) {
                texts.add(new String(message.getBody(), StandardCharsets.UTF_8));
            }
            return texts;
        } catch (IOException | TimeoutException e) {
            throw new AssertionError("cannot read " + queue + ": " + e, e);
        }
    }
}
