package dev.tether.sample;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The sample's REST API, under {@code /api}; the page at {@code /} is static ({@code index.html}). */
@ApplicationPath("/api")
public class SampleApplication extends Application {
}
