package dev.tether.e2e;

import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code GET /api/status}: each connection's state and how many connections it has had, as JSON,
 * e.g. {@code {"default":{"state":"CONNECTED","connected":2},"audit":{...}}}. Answers as soon as
 * the application is deployed, whatever the broker does.
 */
@ApplicationScoped
@Path("status")
public class StatusResource {

    @Inject
    @Persistent
    PersistentConnection connection;

    @Inject
    @Persistent("audit")
    PersistentConnection audit;

    @Inject
    ConnectionCounts counts;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String status() {
        return List.of(connection, audit).stream()
                .map(holder -> "\"" + holder.name() + "\":{\"state\":\"" + holder.state()
                        + "\",\"connected\":" + counts.connected(holder.name()) + "}")
                .collect(Collectors.joining(",", "{", "}"));
    }
}
