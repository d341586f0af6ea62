package dev.tether.internal.values;

/**
 * An invalid setting: {@code Invalid setting '<key>': <reason>}. The configuration layer uses
 * {@link #key()} and {@link #reason()} to name the MicroProfile Config key that supplied the value.
 */
public final class InvalidSettingException extends IllegalArgumentException implements OwnMessage {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String reason;

    InvalidSettingException(String key, String reason) {
        super("Invalid setting '" + key + "': " + reason);
        this.key = key;
        this.reason = reason;
    }

    /** @return the setting's key, e.g. {@code backoff.max} */
    public String key() {
        return key;
    }

    /** @return why the value is wrong; never contains a credential */
    public String reason() {
        return reason;
    }
}
