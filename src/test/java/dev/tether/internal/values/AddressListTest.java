package dev.tether.internal.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code addresses} entries are {@code host[:port]} only: a URI pasted into the list (the form
 * Spring's {@code spring.rabbitmq.addresses} accepts) or an IPv6 literal that does not parse fails
 * with a message that names the key and the entry's position, never the entry.
 */
class AddressListTest {

    @Test
    void hostsPortsAndIpv6LiteralsParse() {
        assertEquals(List.of(new Address("rabbit-1", 5672), new Address("rabbit-2"), new Address("::1", 5673),
                new Address("fe80::1"), new Address("2001:db8::7", -1), new Address("10.0.0.7", 5671), new Address("::ffff:10.0.0.8")),
                AddressList.parse("addresses", "rabbit-1:5672, rabbit-2, [::1]:5673, [fe80::1], 2001:db8::7, 10.0.0.7:5671, ::ffff:10.0.0.8"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "amqp://app:s3cretPw@rabbit-0:5672",
            "app:s3cretPw@rabbit-0:5672",
            "rabbit-0/s3cretPw",
            "rabbit-0?s3cretPw",
            "rabbit-0#s3cretPw",
            "s3cretPw:gg::zz",
            "[s3cretPw::1]:5672",
            "[::1:s3cretPw]",
            "::1::s3cretPw"})
    void anEntryThatIsNotHostAndPortIsRejectedWithoutEchoingIt(String entry) {
        InvalidSettingException error = assertThrows(InvalidSettingException.class,
                () -> AddressList.parse("addresses", "rabbit-1:5672," + entry));
        assertEquals("addresses", error.key());
        assertTrue(error.getMessage().contains("entry 2"), error.getMessage());
        assertFalse(error.getMessage().contains("s3cretPw"), error.getMessage());
        assertFalse(error.getMessage().contains("rabbit-0"), error.getMessage());
    }

    @Test
    void aMalformedPortIsRejectedWithoutEchoingTheEntry() {
        InvalidSettingException error = assertThrows(InvalidSettingException.class,
                () -> AddressList.parse("addresses", "s3cretPw:x5672"));
        assertFalse(error.getMessage().contains("s3cretPw"), error.getMessage());
    }

    @Test
    void aUriWithAnUnknownSchemeIsRejectedWithoutEchoingTheScheme() {
        // a password file mounted at the uri key: "p4ssw0rd-file:..." parses as a scheme
        InvalidSettingException error = assertThrows(InvalidSettingException.class,
                () -> AmqpUri.parse("s3cretPw:rest-of-the-file"));
        assertEquals("uri", error.key());
        assertFalse(error.getMessage().contains("s3cretPw"), error.getMessage());
        InvalidSettingException http = assertThrows(InvalidSettingException.class,
                () -> AmqpUri.parse("https://rabbit"));
        assertTrue(http.getMessage().contains("expected amqp or amqps"), http.getMessage());
    }
}
