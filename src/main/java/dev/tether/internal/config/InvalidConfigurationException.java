package dev.tether.internal.config;

import java.util.List;

/** One connection's invalid configuration: every problem, each naming its key. */
public final class InvalidConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    InvalidConfigurationException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return each problem, e.g. {@code 'tether.orders.heartbeat' must be longer than zero, was 0ms} */
    public List<String> problems() {
        return problems;
    }
}
