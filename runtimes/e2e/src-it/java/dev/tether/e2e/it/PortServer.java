package dev.tether.e2e.it;

/**
 * A server whose application and readiness ({@code /health/ready}) answer on one HTTP port of
 * 127.0.0.1: Payara Micro, and the applications that are their own server (Quarkus, Helidon).
 *
 * @param port the HTTP port
 * @param process the server's JVM
 */
record PortServer(int port, ServerProcess process) implements AppServer {

    @Override
    public String appUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public String readinessUrl() {
        return appUrl() + "/health/ready";
    }
}
