package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.LogCapture;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** Settings that weaken security are warned about once, when the holder is created; nothing is looked up. */
class StartWarningsTest {

    private static List<String> warningsFor(ConnectionSettings.Builder settings) {
        try (LogCapture log = LogCapture.of("dev.tether")) {
            PersistentConnection holder = PersistentConnection.builder(settings.eager(false).build()).build();
            holder.close();
            return log.records().stream().filter(r -> r.getLevel() == Level.WARNING).map(r -> r.getMessage()).toList();
        }
    }

    @Test
    void hostNameVerificationSwitchedOffIsWarnedAboutOnce() {
        List<String> warnings = warningsFor(ConnectionSettings.builder("tls").uri("amqps://localhost")
                .verifyHostname(false));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("tls.verify-hostname=false"), warnings.get(0));
    }

    @Test
    void credentialsOverPlainAmqpToAnotherMachineAreWarnedAboutOnceNamingTheHost() {
        List<String> warnings = warningsFor(ConnectionSettings.builder("plain")
                .uri("amqp://app:pw@rabbit-0.example:5672").addresses("rabbit-0.example, 127.0.0.1, rabbit-1.example"));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("plain amqp:// to rabbit-0.example, rabbit-1.example,"), warnings.get(0));
        assertTrue(warnings.get(0).contains("update-secret"), warnings.get(0));
        assertFalse(warnings.get(0).contains("pw"), warnings.get(0));
    }

    @Test
    void loopbackAndTlsWithVerificationAreNotWarnedAbout() {
        assertEquals(List.of(), warningsFor(ConnectionSettings.builder("local")
                .uri("amqp://localhost").addresses("localhost, 127.0.0.1:5673, [::1]:5674")));
        assertEquals(List.of(), warningsFor(ConnectionSettings.builder("tls").uri("amqps://rabbit-0.example")));
    }
}
