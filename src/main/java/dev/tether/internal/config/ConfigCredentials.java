package dev.tether.internal.config;

import com.rabbitmq.client.impl.CredentialsProvider;
import dev.tether.ConfigKeys;
import dev.tether.internal.values.AmqpUri;
import dev.tether.internal.values.Check;
import dev.tether.internal.values.InvalidSettingException;

/**
 * The user name and password of one connection, read from MicroProfile Config on every call, so a
 * dynamic config source (files of a mounted Kubernetes Secret, Vault) rotates them without a
 * restart. Same keys and fallbacks as the connection's settings: {@code tether.<name>.username},
 * then the user of {@code tether.<name>.uri}, then the global keys (unless the named connection has
 * its own {@code uri}), then {@code guest}; likewise for the password.
 *
 * <p>A value that is not valid when read (an empty user name, a malformed URI) throws an
 * {@link InvalidSettingException} naming the config key; the holder turns it into a failed attempt.
 */
public final class ConfigCredentials implements CredentialsProvider {

    private final ConfigReader config;
    private final String name;

    /**
     * @param config the application's configuration
     * @param name the connection's name
     */
    public ConfigCredentials(ConfigReader config, String name) {
        this.config = config;
        this.name = name;
    }

    @Override
    public String getUsername() {
        String source = config.sourceKey(name, ConfigKeys.USERNAME);
        if (source != null) {
            return Check.notBlank(source, config.value(source));
        }
        AmqpUri uri = uri();
        return uri == null ? AmqpUri.DEFAULT_CREDENTIAL : uri.usernameOrDefault();
    }

    @Override
    public String getPassword() {
        String source = config.sourceKey(name, ConfigKeys.PASSWORD);
        if (source != null) {
            return Check.present(source, config.value(source));
        }
        AmqpUri uri = uri();
        return uri == null ? AmqpUri.DEFAULT_CREDENTIAL : uri.passwordOrDefault();
    }

    private AmqpUri uri() {
        String source = config.sourceKey(name, ConfigKeys.URI);
        if (source == null) {
            return null;
        }
        try {
            return AmqpUri.parse(config.value(source));
        } catch (InvalidSettingException e) {
            throw Check.invalid(source, e.reason());
        }
    }

    @Override
    public String toString() {
        return "ConfigCredentials[" + name + "]";
    }
}
