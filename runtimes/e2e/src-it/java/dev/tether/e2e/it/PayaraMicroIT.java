package dev.tether.e2e.it;

import java.nio.file.Path;
import java.util.Map;

/** The runtime contract on Payara Micro 6.2025.10 ({@code fish.payara.extras:payara-micro}). */
@RequireServer.Prepared(PayaraMicro.JAR_PROPERTY)
class PayaraMicroIT extends RuntimeContract {

    @Override
    String runtime() {
        return "payara";
    }

    @Override
    AppServer start(Path war, Path work, Map<String, String> environment) {
        return PayaraMicro.start(war, work, environment);
    }
}
