package dev.tether.demo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.QpidBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Shows a {@link PersistentConnection} surviving faults, printing every event as it happens: the
 * application starts before the broker, then the connection is reset three times, then the broker
 * stops for two seconds. Uses an embedded Qpid broker (development only) behind the project's
 * fault-injecting proxy, so it runs on any machine with a JDK:
 *
 * <pre>./mvnw -Pdemo</pre>
 */
public final class HolderDemo {

    private static final Instant START = Instant.now();

    private HolderDemo() {
    }

    public static void main(String[] args) throws Exception {
        try (QpidBroker broker = QpidBroker.start(); FaultProxy proxy = FaultProxy.start(broker.port())) {
            proxy.refuse(true);
            say("embedded broker on port " + broker.port() + ", proxy on port " + proxy.port()
                    + " (refusing: the broker is 'not up yet')");

            ConnectionSettings settings = ConnectionSettings.builder("demo").uri(proxy.uri()).build();
            PersistentConnection rabbit = PersistentConnection.builder(settings)
                    .listener(HolderDemo::print)
                    .listener(HolderDemo::declareTopology)
                    .build();
            say("application started; state " + rabbit.state());

            Await.until("a few refused attempts", Duration.ofSeconds(10), () -> rabbit.status().attempts() >= 3);
            say("the broker comes up");
            proxy.refuse(false);
            roundTrip(rabbit.await(Duration.ofSeconds(10)), "hello");

            for (int cut = 1; cut <= 3; cut++) {
                say("resetting the connection (" + cut + "/3)");
                Connection before = rabbit.get();
                proxy.cut();
                Await.until("a new connection", Duration.ofSeconds(10),
                        () -> rabbit.current().filter(c -> c != before).isPresent());
                roundTrip(rabbit.get(), "after reset " + cut);
            }

            say("stopping the broker for 2 s");
            broker.stop();
            Instant stopped = Instant.now();
            Await.until("a 2 s outage", Duration.ofSeconds(5),
                    () -> Duration.between(stopped, Instant.now()).toMillis() >= 2000);
            broker.restart();
            say("broker restarted");
            roundTrip(rabbit.await(Duration.ofSeconds(10)), "after the outage");

            rabbit.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            say("closed; state " + rabbit.state());
        }
    }

    private static void declareTopology(ConnectionEvent event) throws Exception {
        if (event instanceof ConnectionEvent.Connected connected) {
            try (Channel channel = connected.connection().createChannel()) {
                channel.queueDeclare("demo", true, false, false, null); // durable: RabbitMQ 4.3 denies transient non-exclusive queues
            }
        }
    }

    private static void roundTrip(Connection connection, String text) throws Exception {
        try (Channel channel = connection.createChannel()) {
            channel.basicPublish("", "demo", null, text.getBytes(StandardCharsets.UTF_8));
            var response = Await.until("the message back", Duration.ofSeconds(5), () -> {
                try {
                    return channel.basicGet("demo", true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            say("published and consumed '" + new String(response.getBody(), StandardCharsets.UTF_8) + "'");
        }
    }

    private static void print(ConnectionEvent event) {
        say("  event: " + event);
    }

    private static void say(String text) {
        System.out.printf("%6d ms  %s%n", Duration.between(START, Instant.now()).toMillis(), text);
    }
}
