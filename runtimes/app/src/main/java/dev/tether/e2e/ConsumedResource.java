package dev.tether.e2e;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.stream.Collectors;

/**
 * {@code GET /api/consumed}: what {@link ConsumedMessages} consumed, as JSON, e.g.
 * {@code {"state":"CONSUMING","started":2,"inFlight":0,"texts":["a","b"]}} (the texts are the test's
 * identifiers, which need no escaping). Answers as soon as the application is deployed.
 */
@ApplicationScoped
@Path("consumed")
public class ConsumedResource {

    @Inject
    ConsumedMessages consumed;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String consumed() {
        return "{\"state\":\"" + consumed.state() + "\",\"started\":" + consumed.started() + ",\"inFlight\":"
                + consumed.inFlight() + ",\"texts\":" + consumed.texts().stream()
                        .map(text -> "\"" + text + "\"").collect(Collectors.joining(",", "[", "]")) + "}";
    }
}
