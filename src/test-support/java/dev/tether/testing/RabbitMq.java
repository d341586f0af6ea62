package dev.tether.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving integration tests a real RabbitMQ: {@code @ExtendWith(RabbitMq.class)}
 * on a test class, then a {@link RabbitMqNode} parameter on a test method, a lifecycle method or
 * the constructor.
 *
 * <p>One private node ({@link RabbitMqNode#start()}) is shared by all test classes of the test
 * JVM: it starts when a test first needs it and stops when the whole run ends (it lives in the
 * root {@link ExtensionContext.Store}). A test that changes the node (stops its application,
 * raises an alarm, adds users) must put it back as it found it; a test that needs a node of its
 * own starts one with {@link RabbitMqNode#start()} and stops it itself.
 *
 * <p>When RabbitMQ is not installed, a class using the extension is disabled, so it is reported
 * as skipped with {@link RabbitMqNode#whyUnavailable()} as the reason (should conditions be
 * deactivated, its tests are aborted with {@code Assumptions} instead); unless the system property
 * {@value #REQUIRE_PROPERTY} is {@code true} (as CI sets it), in which case the class fails with
 * that reason. A node that is installed but does not start
 * fails every test that uses it, with the cause; the start is not retried for each class.
 */
public final class RabbitMq implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    /** System property that turns a missing RabbitMQ into a failure instead of a skip. */
    public static final String REQUIRE_PROPERTY = "tether.it.require-rabbitmq";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RabbitMq.class);

    /**
     * Disables the class (or method) when RabbitMQ is not installed and not required; when it is
     * required, leaves it enabled so that {@link #beforeAll} fails it.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String why = RabbitMqNode.whyUnavailable();
        if (why == null) {
            return ConditionEvaluationResult.enabled("RabbitMQ is installed");
        }
        if (required()) {
            return ConditionEvaluationResult.enabled(REQUIRE_PROPERTY + "=true: fails when RabbitMQ is missing");
        }
        return ConditionEvaluationResult.disabled(why);
    }

    /** Fails or aborts the class when RabbitMQ is not installed. */
    @Override
    public void beforeAll(ExtensionContext context) {
        requireInstalled();
    }

    /** Fails or aborts the test when RabbitMQ is not installed (for a method-level registration). */
    @Override
    public void beforeEach(ExtensionContext context) {
        requireInstalled();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == RabbitMqNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return sharedNode(extensionContext);
    }

    /**
     * The node shared by the test JVM, started on first use.
     *
     * @param context any extension context of the run
     * @return the running shared node
     * @throws ParameterResolutionException when it could not be started
     */
    public static RabbitMqNode sharedNode(ExtensionContext context) {
        SharedNode shared = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedNode.class, key -> SharedNode.start(), SharedNode.class);
        return shared.node();
    }

    private static void requireInstalled() {
        String why = RabbitMqNode.whyUnavailable();
        if (why == null) {
            return;
        }
        if (required()) {
            Assertions.fail(why + " (" + REQUIRE_PROPERTY + "=true makes this a failure, not a skip)");
        }
        Assumptions.abort(why);
    }

    private static boolean required() {
        return Boolean.getBoolean(REQUIRE_PROPERTY);
    }

    /** The shared node, or why it could not start; stopped when the root store closes. */
    private static final class SharedNode implements ExtensionContext.Store.CloseableResource {
        private final RabbitMqNode node;
        private final RuntimeException failure;

        private SharedNode(RabbitMqNode node, RuntimeException failure) {
            this.node = node;
            this.failure = failure;
        }

        static SharedNode start() {
            try {
                return new SharedNode(RabbitMqNode.start(), null);
            } catch (RuntimeException e) {
                return new SharedNode(null, e);
            }
        }

        RabbitMqNode node() {
            if (node == null) {
                throw new ParameterResolutionException("The shared RabbitMQ node did not start: " + failure.getMessage(), failure);
            }
            return node;
        }

        @Override
        public void close() {
            if (node != null) {
                node.stop();
            }
        }
    }
}
