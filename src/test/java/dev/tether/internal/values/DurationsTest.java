package dev.tether.internal.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void shortFormsAndIsoAreAccepted() {
        assertEquals(Duration.ofMillis(500), Durations.parse("k", "500ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("k", "10s"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("k", " 10 S "));
        assertEquals(Duration.ofMinutes(2), Durations.parse("k", "2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("k", "1h"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("k", "PT10S"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("k", "PT1.5S"));
    }

    @Test
    void anythingElseIsRejectedNamingTheKey() {
        for (String text : new String[] {"", "10", "ten seconds", "10 sec", "-5s", "5x", "99999999999999999999ms"}) {
            IllegalArgumentException error =
                    assertThrows(IllegalArgumentException.class, () -> Durations.parse("heartbeat", text), text);
            assertTrue(error.getMessage().startsWith("Invalid setting 'heartbeat'"), error.getMessage());
        }
    }

    @Test
    void formatPrintsTheShortForm() {
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("10s", Durations.format(Duration.ofSeconds(10)));
        assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
        assertEquals("0ms", Durations.format(Duration.ZERO));
    }
}
