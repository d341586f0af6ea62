package dev.tether.e2e.it;

import java.nio.file.Path;
import java.util.Map;

/** The runtime contract on Helidon MP 4.2.0, on Temurin 25 (Helidon 4 needs Java 21 or later). */
@RequireServer.Prepared({HelidonMp.JAR_PROPERTY, HelidonMp.JAVA_HOME_PROPERTY})
class HelidonMpIT extends RuntimeContract {

    @Override
    String runtime() {
        return "helidon";
    }

    @Override
    AppServer start(Path war, Path work, Map<String, String> environment) {
        return HelidonMp.start(work, environment);
    }
}
