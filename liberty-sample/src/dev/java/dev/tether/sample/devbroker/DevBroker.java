package dev.tether.sample.devbroker;

import dev.tether.testing.QpidBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * DEVELOPMENT ONLY. An embedded AMQP 0-9-1 broker for running the sample on a machine without
 * RabbitMQ: {@code amqp://guest:guest@127.0.0.1:5673}, in memory (messages are lost when it stops).
 * It is the library's test broker ({@link QpidBroker}, Apache Qpid Broker-J, from Tether's
 * {@code -tests.jar}) started on a fixed port; it is not RabbitMQ, is never packaged into the war
 * or the library, and is not for production.
 *
 * <p>{@code run.sh} starts it as its own {@code java -cp ...} process (Qpid's {@code classpath:}
 * URLs only resolve when Qpid is on the system class path of its own JVM) and {@code stop.sh}
 * stops it with SIGTERM.
 *
 * <pre>
 * java -cp target/test-classes:$(cat target/dev-broker.classpath) dev.tether.sample.devbroker.DevBroker [port [work-dir]]
 * </pre>
 */
public final class DevBroker {

    private DevBroker() {
    }

    /**
     * Starts the broker and runs until the JVM is told to stop.
     *
     * @param args optional: the port (default 5673) and the work folder (default a temp folder)
     * @throws Exception if the broker does not start
     */
    public static void main(String[] args) throws Exception {
        // Before QpidBroker is loaded, which quiets Qpid's loggers unless they are already set: keep
        // Qpid's operational log (connections opened and closed), with times.
        System.setProperty("org.slf4j.simpleLogger.log.qpid.message", "info");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");

        int port = args.length > 0 ? Integer.parseInt(args[0]) : 5673;
        Path workDir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("tether-dev-broker-");
        QpidBroker broker = QpidBroker.startOn(port, workDir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("DEVELOPMENT ONLY broker: stopping");
            broker.close();
            stopped.countDown();
        }, "dev-broker-shutdown"));
        System.out.println("DEVELOPMENT ONLY broker (Apache Qpid Broker-J, not RabbitMQ) listening on "
                + broker.uri() + " (pid " + ProcessHandle.current().pid() + ")");
        stopped.await();
    }
}
