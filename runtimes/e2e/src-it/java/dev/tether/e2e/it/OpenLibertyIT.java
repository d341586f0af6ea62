package dev.tether.e2e.it;

import java.nio.file.Path;
import java.util.Map;

/**
 * The runtime contract on Open Liberty 26.0.0.3 ({@code io.openliberty:openliberty-runtime} zip;
 * cdi-4.0, restfulWS-3.1, mpConfig-3.1, mpHealth-4.0). The Liberty sample (liberty-sample/) keeps
 * its own end-to-end tests of its page and its service.
 */
@RequireServer.Prepared(OpenLiberty.HOME_PROPERTY)
class OpenLibertyIT extends RuntimeContract {

    @Override
    String runtime() {
        return "liberty";
    }

    @Override
    AppServer start(Path war, Path work, Map<String, String> environment) {
        return OpenLiberty.start(war, work, environment);
    }
}
