package dev.tether.sample.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a browser test, with the reason, when Debian's {@code chromium} and {@code chromium-driver}
 * are not installed; fails it instead when {@code tether.it.require-rabbitmq=true} (CI).
 */
public final class RequireChromium implements ExecutionCondition {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER))) {
            return ConditionEvaluationResult.enabled("Chromium and chromedriver installed");
        }
        String why = "Chromium is not installed (" + CHROMIUM + " or " + CHROMEDRIVER
                + " missing); apt-get install chromium chromium-driver, or run .ci/run";
        if (Boolean.getBoolean("tether.it.require-rabbitmq")) {
            throw new IllegalStateException(why);
        }
        return ConditionEvaluationResult.disabled(why);
    }
}
