package dev.tether.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.ConnectionSettings;
import dev.tether.Setting;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How long the registry waits for the holders at shutdown: it follows the drain timeout, never cuts it. */
class CloseLimitTest {

    private static ConnectionSettings settings(String name, Duration drain, Duration connectionTimeout) {
        return ConnectionSettings.builder(name).connectionTimeout(connectionTimeout)
                .set(Setting.CONSUMERS_DRAIN_TIMEOUT, drain).build();
    }

    @Test
    void theLimitIsTheLongestDrainTimeoutPlusConnectionTimeoutPlusTwoSeconds() {
        assertEquals(Duration.ofSeconds(22), ConnectionRegistry.closeLimit(
                List.of(settings("defaults", Duration.ofSeconds(10), Duration.ofSeconds(10)))), "the defaults");
        assertEquals(Duration.ofSeconds(37), ConnectionRegistry.closeLimit(List.of(
                settings("short", Duration.ofSeconds(1), Duration.ofSeconds(5)),
                settings("long", Duration.ofSeconds(25), Duration.ofSeconds(10)))),
                "a drain timeout above 20 s is not cut (it was at 20 s in all)");
    }

    @Test
    void withoutHoldersTheLimitIsTheDefaultConnectionTimeoutPlusTwoSeconds() {
        assertEquals(Duration.ofSeconds(12), ConnectionRegistry.closeLimit(List.of()));
    }
}
