package dev.tether.e2e.it;

import java.nio.file.Path;
import java.util.Map;

/** The runtime contract on WildFly 39.0.1.Final ({@code org.wildfly:wildfly-dist}, standalone-microprofile.xml). */
@RequireServer.Prepared(WildFly.HOME_PROPERTY)
class WildFlyIT extends RuntimeContract {

    @Override
    String runtime() {
        return "wildfly";
    }

    @Override
    AppServer start(Path war, Path work, Map<String, String> environment) {
        return WildFly.start(war, work, environment);
    }
}
