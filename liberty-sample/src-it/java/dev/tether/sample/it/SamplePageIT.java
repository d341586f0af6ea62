package dev.tether.sample.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The sample's page in headless Chromium: the state follows the broker, and a published message appears. */
@ExtendWith({RabbitMq.class, RequireLiberty.class, RequireChromium.class})
class SamplePageIT {

    private static LibertyServer liberty;
    private static WebDriver browser;

    @BeforeAll
    static void start(RabbitMqNode node) throws Exception {
        liberty = LibertyServer.start(node.uri());
        ChromeOptions options = new ChromeOptions().setBinary(RequireChromium.CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--window-size=1200,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File(RequireChromium.CHROMEDRIVER)).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (liberty != null) {
            liberty.close();
        }
    }

    @Test
    void thePageFollowsTheBrokerAndShowsAPublishedMessage(RabbitMqNode node) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        browser.get(liberty.baseUrl() + "/");
        wait.until(ExpectedConditions.textToBe(By.id("state-default"), "CONNECTED"));

        node.rabbitmqctl("stop_app");
        try {
            wait.until(ExpectedConditions.textToBe(By.id("state-default"), "CONNECTING"));
        } finally {
            node.startApp();
        }
        wait.until(ExpectedConditions.textToBe(By.id("state-default"), "CONNECTED"));

        String text = "from-the-page-" + UUID.randomUUID();
        browser.findElement(By.id("message")).sendKeys(text);
        browser.findElement(By.id("publish")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("publish-result"), "confirmed"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("consumed"), text));
        assertEquals("CONNECTED", browser.findElement(By.id("state-default")).getText());
    }
}
