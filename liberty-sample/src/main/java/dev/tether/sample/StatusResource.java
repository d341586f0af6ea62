package dev.tether.sample;

import dev.tether.PersistentConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;

/** {@code GET /api/status}: each connection's state and the recent events. Never blocks on the broker. */
@Path("/status")
@ApplicationScoped
public class StatusResource {

    private final List<PersistentConnection> connections;
    private final EventLog events;

    /**
     * @param holders every connection's holder: Tether registers one {@code @Persistent("name")}
     *     bean per name used at an injection point
     * @param events the event log
     */
    @Inject
    public StatusResource(@Any Instance<PersistentConnection> holders, EventLog events) {
        this.connections = holders.stream().sorted(Comparator.comparing(PersistentConnection::name)).toList();
        this.events = events;
    }

    /** For the container's client proxy only. */
    protected StatusResource() {
        this.connections = List.of();
        this.events = null;
    }

    /** @return the status of every connection and the recent events, newest last */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public StatusView status() {
        return new StatusView(connections.stream().map(ConnectionView::of).toList(), events.recent());
    }
}
