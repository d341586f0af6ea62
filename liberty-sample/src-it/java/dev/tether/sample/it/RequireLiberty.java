package dev.tether.sample.it;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class, with the reason, when the build did not prepare the Liberty server; fails it
 * instead when {@code tether.it.require-rabbitmq=true} (CI), where everything must be present.
 */
public final class RequireLiberty implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (LibertyServer.installation() != null) {
            return ConditionEvaluationResult.enabled("Liberty prepared at " + System.getProperty(LibertyServer.WLP_PROPERTY));
        }
        String why = "the Liberty server is not prepared (-D" + LibertyServer.WLP_PROPERTY + "="
                + System.getProperty(LibertyServer.WLP_PROPERTY) + "); run the sample's verify";
        if (Boolean.getBoolean("tether.it.require-rabbitmq")) {
            throw new IllegalStateException(why);
        }
        return ConditionEvaluationResult.disabled(why);
    }
}
