package dev.tether.e2e;

import dev.tether.Persistent;
import dev.tether.PublishException;
import dev.tether.Publisher;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * At shutdown, publishes one last message ({@code last words from <client name>}) to
 * {@value Queues#LAST_WORDS} through the injected {@code Publisher}, from its {@code @PreDestroy}:
 * the holders close after the application's beans, so it reaches the broker (the end-to-end test
 * reads it once the server has stopped). Created at startup, so that it exists to be destroyed.
 */
@ApplicationScoped
public class LastWords {

    private static final Logger LOG = Logger.getLogger(LastWords.class.getName());

    @Inject
    @Persistent
    Publisher publisher;

    @Inject
    @ConfigProperty(name = "tether.client-name")
    String clientName;

    void started(@Observes Startup startup) {
        LOG.fine(() -> "LastWords ready for " + clientName);
    }

    @PreDestroy
    void goodbye() {
        try {
            publisher.publish("", Queues.LAST_WORDS, true, null,
                    ("last words from " + clientName).getBytes(StandardCharsets.UTF_8));
            LOG.info("LastWords: the last message was confirmed");
        } catch (PublishException e) {
            LOG.log(Level.WARNING, "LastWords: the last message was not confirmed: " + e.reason(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
