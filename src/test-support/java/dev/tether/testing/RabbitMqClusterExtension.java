package dev.tether.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving integration tests a real three-node cluster:
 * {@code @ExtendWith(RabbitMqClusterExtension.class)}, then a {@link RabbitMqCluster} parameter.
 *
 * <p>One cluster is shared by every test class of the test JVM: started when first needed, stopped
 * when the run ends (it lives in the root {@link ExtensionContext.Store}). A test that changes a
 * node (stops its application, drains it) puts it back before it ends. Skipping and failing when
 * RabbitMQ is missing work as in {@link RabbitMq} ({@value RabbitMq#REQUIRE_PROPERTY}).
 */
public final class RabbitMqClusterExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RabbitMqClusterExtension.class);

    private final RabbitMq single = new RabbitMq();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return single.evaluateExecutionCondition(context);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        single.beforeAll(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == RabbitMqCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Shared.class, key -> Shared.start(), Shared.class).cluster();
    }

    /** The shared cluster, or why it could not start; stopped when the root store closes. */
    private record Shared(RabbitMqCluster cluster0, RuntimeException failure)
            implements ExtensionContext.Store.CloseableResource {

        static Shared start() {
            try {
                return new Shared(RabbitMqCluster.start(), null);
            } catch (RuntimeException e) {
                return new Shared(null, e);
            }
        }

        RabbitMqCluster cluster() {
            if (cluster0 == null) {
                throw new ParameterResolutionException("The shared RabbitMQ cluster did not start: " + failure.getMessage(), failure);
            }
            return cluster0;
        }

        @Override
        public void close() {
            if (cluster0 != null) {
                cluster0.stop();
            }
        }
    }
}
