package dev.tether.internal.connect;

/** What the holder is told while an attempt runs: for readiness data, and the refresh service's outcomes. */
public interface AttemptObserver {

    /** Nothing is told. */
    AttemptObserver NONE = new AttemptObserver() {
        @Override
        public void waitingFor(String what) {
        }

        @Override
        public void credentialsRefreshed(Throwable failure) {
        }
    };

    /**
     * @param what what the attempt waits for now, in Tether's words (never a value read from
     *     outside but a class name or a validated host), or {@code null} when it waits for nothing
     */
    void waitingFor(String what);

    /**
     * Called on the refresh service's thread after each refresh of expiring credentials.
     *
     * @param failure what the provider threw, or {@code null} when the refresh succeeded
     */
    void credentialsRefreshed(Throwable failure);
}
