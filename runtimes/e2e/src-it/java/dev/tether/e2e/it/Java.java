package dev.tether.e2e.it;

import java.nio.file.Path;

/** The JDK the servers run on: the one running the tests. */
final class Java {

    private Java() {
    }

    /** @return the {@code java.home} of the tests' JVM */
    static Path home() {
        return Path.of(System.getProperty("java.home"));
    }

    /** @return its {@code java} launcher */
    static String executable() {
        return home().resolve("bin").resolve("java").toString();
    }
}
