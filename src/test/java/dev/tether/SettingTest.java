package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Each setting declared once, and what reads the declarations. */
class SettingTest {

    private static final String SECRET = "p@ss:w/rd%";

    @Test
    void everyKeyIsDeclaredOnceInTheReadmesOrderConnectionKeysFirst() {
        List<String> keys = Setting.all().stream().map(Setting::key).toList();
        assertEquals(keys.size(), new TreeSet<>(keys).size(), "a key declared twice: " + keys);
        assertEquals("uri", keys.get(0), "uri first: the keys after it override its parts");
        int firstGlobal = keys.indexOf(ConfigKeys.HEALTH_ENABLED);
        assertTrue(Setting.all().subList(0, firstGlobal).stream().allMatch(s -> s.scope() == Setting.Scope.CONNECTION));
        assertTrue(Setting.all().subList(firstGlobal, keys.size()).stream().allMatch(s -> s.scope() == Setting.Scope.GLOBAL));
        assertEquals(ConfigKeys.CONNECTION_KEYS, keys.subList(0, firstGlobal));
        assertEquals(ConfigKeys.GLOBAL_KEYS, keys.subList(firstGlobal, keys.size()));
    }

    @Test
    void anySettingIsSetAndReadWithoutAMethodOfItsOwn() {
        ConnectionSettings settings = ConnectionSettings.builder("orders")
                .set(Setting.HEARTBEAT, Duration.ofSeconds(5))
                .set("channels.max", " 32 ")
                .set("backoff.jitter", "0.5")
                .build();
        assertEquals(Duration.ofSeconds(5), settings.get(Setting.HEARTBEAT));
        assertEquals(Duration.ofSeconds(5), settings.heartbeat());
        assertEquals(32, settings.get(Setting.CHANNELS_MAX));
        assertEquals(32, settings.channels().max());
        assertEquals(0.5, settings.backoff().jitter());
    }

    @Test
    void textIsParsedAndCheckedAsItsConfigurationKeyIs() {
        ConnectionSettings.Builder builder = ConnectionSettings.builder();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> builder.set("conection-timeout", "5s"));
        assertTrue(unknown.getMessage().contains("'conection-timeout'"), unknown.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> builder.set("channels.max", "0"));
        assertTrue(range.getMessage().contains("'channels.max'") && range.getMessage().contains("between 1 and 1000"),
                range.getMessage());
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> builder.set("eager", "yes"));
        assertTrue(text.getMessage().contains("'eager'") && text.getMessage().contains("not true or false"));
        assertThrows(IllegalArgumentException.class, () -> builder.set(Setting.HEALTH_ENABLED, false),
                "a global setting is no connection's");
        assertThrows(IllegalArgumentException.class, () -> ConnectionSettings.builder().build().get(Setting.METRICS_ENABLED));
    }

    @Test
    void aValueSetDirectlyIsCheckedAtBuildNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConnectionSettings.builder().set(Setting.AWAIT_TIMEOUT, Duration.ZERO).build());
        assertTrue(e.getMessage().contains("'await-timeout'"), e.getMessage());
    }

    @Test
    void toStringListsEverySettingByItsKeyAndMasksEverySecret() {
        ConnectionSettings settings = ConnectionSettings.builder("orders")
                .uri("amqps://app:" + SECRET.replace("%", "%25").replace("@", "%40").replace(":", "%3A").replace("/", "%2F")
                        + "@rabbit/orders")
                .trustStore("/etc/trust.p12", SECRET).keyStore("/etc/key.p12", SECRET)
                .build();
        assertEquals(SECRET, settings.password(), "the URI's password, decoded");
        String text = settings.toString();
        for (Setting<?> setting : Setting.all()) {
            if (setting.scope() == Setting.Scope.CONNECTION && setting != Setting.URI) {
                assertTrue(text.contains(", " + setting.key() + "="), setting.key() + " in " + text);
            }
        }
        assertFalse(text.contains(SECRET), text);
        assertFalse(text.contains("p%40ss"), text);
        assertTrue(text.contains("password=****"), text);
        assertTrue(text.contains("tls.key-store-password=****"), text);
        assertFalse(settings.get(Setting.URI).contains(SECRET), "the URI read back is the display URI");
    }

    @Test
    void settingsAreValuesToBuilderKeepsEverySetting() {
        ConnectionSettings settings = ConnectionSettings.builder("orders").uri("amqp://app:x@rabbit/v")
                .set("publish.confirm-timeout", "3s").clientName("c").build();
        assertEquals(settings, settings.toBuilder().build());
        assertEquals(settings.hashCode(), settings.toBuilder().build().hashCode());
        assertNotEquals(settings, settings.toBuilder().set(Setting.EAGER, false).build());
        assertEquals(Duration.ofSeconds(3), settings.toBuilder().build().channels().confirmTimeout());
    }

    @Test
    void theRecordsDefaultsAreTheDeclaredDefaults() {
        assertEquals(Setting.BACKOFF_MAX.defaultValue(), Backoff.DEFAULT.max());
        assertEquals(Setting.CHANNELS_MAX.defaultValue(), ChannelSettings.DEFAULT.max());
        assertEquals(Setting.TLS_PROTOCOLS.defaultValue(), TlsOptions.DEFAULT.protocols());
        Set<String> secret = new TreeSet<>();
        Setting.all().stream().filter(Setting::secret).forEach(s -> secret.add(s.key()));
        assertEquals(Set.of("uri", "password", "tls.trust-store-password", "tls.key-store-password"), secret);
    }
}
