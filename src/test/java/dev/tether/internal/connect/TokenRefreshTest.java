package dev.tether.internal.connect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.impl.CredentialsProvider;
import dev.tether.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The default refresh service never spins: the client's ratio (80 % of the time to live, truncated
 * to whole seconds) gave a delay of 0 below 1.25 s, and each loop sent {@code update-secret}.
 */
class TokenRefreshTest {

    @Test
    void aTimeToLiveBelowOnePointTwoFiveSecondsIsRefreshedAtMostOnceASecond() {
        List<Long> refreshes = new CopyOnWriteArrayList<>();
        CredentialsProvider shortLived = new CredentialsProvider() {
            @Override
            public String getUsername() {
                return "";
            }

            @Override
            public String getPassword() {
                return "token";
            }

            @Override
            public Duration getTimeBeforeExpiration() {
                return Duration.ofMillis(1_000);
            }

            @Override
            public void refresh() {
                refreshes.add(System.nanoTime());
            }
        };
        TokenRefresh refresh = new TokenRefresh("short", null);
        try {
            refresh.get().register(shortLived, () -> true);
            Await.until("three refreshes", Duration.ofSeconds(10), () -> refreshes.size() >= 3);
            for (int i = 1; i < 3; i++) {
                long gapMillis = (refreshes.get(i) - refreshes.get(i - 1)) / 1_000_000;
                assertTrue(gapMillis >= 900, "refreshed again after " + gapMillis + " ms (" + refreshes.size()
                        + " refreshes so far)");
            }
        } finally {
            refresh.close();
        }
    }
}
