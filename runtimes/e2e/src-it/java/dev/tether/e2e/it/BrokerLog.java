package dev.tether.e2e.it;

import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The shared node's log: what it said since a mark, and whether it saw a client close its connection. */
final class BrokerLog {

    private BrokerLog() {
    }

    /** @return the log's length now, a mark for {@link #since} */
    static long length(RabbitMqNode node) {
        try {
            return Files.size(file(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return what the node logged after the mark */
    static String since(RabbitMqNode node, long mark) {
        try {
            byte[] all = Files.readAllBytes(file(node));
            return new String(all, (int) Math.min(mark, all.length), (int) Math.max(0, all.length - mark),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * RabbitMQ 3.10 logs {@code [info] ... closing AMQP connection <pid> (... - <client name>, vhost: ...,
     * user: ...)} for a connection the client closed, and the same line at {@code [warning]}, followed
     * by {@code client unexpectedly closed TCP connection}, for one whose socket just went away (checked
     * on this machine with a client JVM killed by SIGKILL).
     */
    static boolean closedCleanly(String brokerLog, String clientName) {
        List<String> closing = brokerLog.lines()
                .filter(line -> line.contains("closing AMQP connection") && line.contains(" - " + clientName + ","))
                .toList();
        return closing.size() == 1 && closing.get(0).contains("[info]") && !brokerLog.contains("unexpectedly");
    }

    private static Path file(RabbitMqNode node) {
        return node.directory().resolve("log").resolve(node.nodeName() + ".log");
    }
}
