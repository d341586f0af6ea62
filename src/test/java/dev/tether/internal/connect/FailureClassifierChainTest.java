package dev.tether.internal.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.FailureKind;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Classification of failures that are not wrapped, or wrapped in ways the broker's answers are. */
class FailureClassifierChainTest {

    @Test
    void aBareConnectionCloseWithAnOrdinaryCodeIsAHandshakeFailure() {
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(closeWith(320, 0, 0)));
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(closeWith(541, 10, 11)));
    }

    @Test
    void aBareRefusalOfConnectionOpenIsAVirtualHostProblemButAnUnexplained530ElsewhereIsNot() {
        assertEquals(FailureKind.VIRTUAL_HOST, FailureClassifier.classify(closeWith(404, 10, 40)), "Qpid");
        assertEquals(FailureKind.VIRTUAL_HOST, FailureClassifier.classify(closeWith(530, 10, 40)), "RabbitMQ");
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(closeWith(530, 0, 0)),
                "a 530 outside connection.open with no known reply text");
    }

    @Test
    void aSpecificCauseBelowAGenericHandshakeFailureWins() {
        ShutdownSignalException closed = closeWith(320, 0, 0);
        closed.initCause(new ConnectException("Connection refused"));
        assertEquals(FailureKind.REFUSED, FailureClassifier.classify(closed));
    }

    private static ShutdownSignalException closeWith(int code, int classId, int methodId) {
        AMQP.Connection.Close close = new AMQP.Connection.Close.Builder().replyCode(code).replyText("text")
                .classId(classId).methodId(methodId).build();
        return new ShutdownSignalException(true, false, close, null);
    }
}
