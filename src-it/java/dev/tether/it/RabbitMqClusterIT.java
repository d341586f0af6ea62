package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.testing.RabbitMqCluster;
import dev.tether.testing.RabbitMqClusterExtension;
import dev.tether.testing.RabbitMqNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The harness itself: three clustered nodes, a quorum queue replicated on them, connections per node. */
@ExtendWith(RabbitMqClusterExtension.class)
class RabbitMqClusterIT {

    @Test
    void threeNodesFormOneClusterWithQuorumQueuesAndConnectionsListedPerNode(RabbitMqCluster cluster) throws Exception {
        assertEquals(3, cluster.runningNodes(), cluster.toString());
        ConnectionFactory factory = cluster.node(1).connectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        try (Connection connection = factory.newConnection("cluster-harness-probe");
                Channel channel = connection.createChannel()) {
            channel.queueDeclare("it-cluster-harness", true, false, false, Map.of("x-queue-type", "quorum"));
            channel.basicPublish("", "it-cluster-harness", null, new byte[] {1});
            String queues = cluster.node(2).rabbitmqctl("list_queues", "--quiet", "--no-table-headers", "name", "type", "members");
            assertTrue(queues.contains("it-cluster-harness\tquorum"), queues);
            for (RabbitMqNode node : cluster.nodes()) {
                assertTrue(queues.contains(node.nodeName()), "a member on " + node.nodeName() + ": " + queues);
            }
            assertEquals(java.util.List.of("cluster-harness-probe"), cluster.connectionsOn(cluster.node(1)));
            assertEquals(java.util.List.of(), cluster.connectionsOn(cluster.node(0)));
            channel.queueDelete("it-cluster-harness");
        }
    }
}
