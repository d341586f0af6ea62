/**
 * One connection attempt: the addresses to try (configured or from an {@code AddressResolver},
 * each host resolved to all its IPs and shuffled, failed ones last), the credentials for this
 * attempt (a {@code CredentialsProvider}, OAuth 2 token refresh), TLS contexts, opening the
 * connection within {@code connection-timeout}, and classifying what failed ({@link
 * dev.tether.FailureKind}). It knows nothing of retries, state or events: the holder calls
 * {@link dev.tether.internal.connect.ConnectionOpener#open} and acts on the outcome.
 *
 * <p>Owns: {@code ConnectionOpener}, {@code AttemptTargets}, {@code AttemptCredentials},
 * {@code TokenRefresh}, {@code SslContexts}, {@code FailureClassifier}. May use: the public API
 * ({@code dev.tether}), {@code internal.values} and {@code internal.threads} (its threads); never the holder, CDI or configuration.
 * Private API, no compatibility promise.
 */
package dev.tether.internal.connect;
