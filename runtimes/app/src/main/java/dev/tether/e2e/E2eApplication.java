package dev.tether.e2e;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The runtime-matrix test application: its REST API is under {@code /api}; readiness is the
 * runtime's own MicroProfile Health endpoint ({@code /health/ready}), where Tether's check is named
 * {@code tether}.
 */
@ApplicationPath("/api")
public class E2eApplication extends Application {
}
