package dev.tether.e2e.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a runtime's test class, with the reason, when the build did not prepare its server or the
 * application (run through {@code ./mvnw -f runtimes/pom.xml verify}, which does); fails it
 * instead when {@code tether.it.require-rabbitmq=true} (CI), where everything must be present.
 */
public final class RequireServer implements ExecutionCondition {

    /** The system properties naming the server's files or folders, which must exist. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Prepared {
        String[] value();
    }

    static final String WAR_PROPERTY = "tether.e2e.war";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Prepared prepared = context.getTestClass().map(c -> c.getAnnotation(Prepared.class)).orElse(null);
        if (prepared == null) {
            return ConditionEvaluationResult.enabled("no server to prepare");
        }
        List<String> properties = new ArrayList<>(List.of(prepared.value()));
        properties.add(WAR_PROPERTY);
        for (String property : properties) {
            String value = System.getProperty(property);
            if (value == null || !Files.exists(Path.of(value))) {
                String why = "not prepared: -D" + property + "=" + value
                        + " (run ./mvnw -f runtimes/pom.xml verify, which downloads and unpacks the servers)";
                if (Boolean.getBoolean("tether.it.require-rabbitmq")) {
                    throw new IllegalStateException(why);
                }
                return ConditionEvaluationResult.disabled(why);
            }
        }
        return ConditionEvaluationResult.enabled("server and application prepared");
    }
}
