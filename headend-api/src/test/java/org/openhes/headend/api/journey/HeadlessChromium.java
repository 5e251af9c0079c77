package org.openhes.headend.api.journey;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, driven by its own chromedriver through Selenium (nothing downloaded:
 * the browser and the driver are the installed packages; .ci/run installs them). Screenshots go to
 * target/console-screenshots.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BROWSER = Path.of(System.getProperty("console.browser", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("console.driver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    final ChromeDriver driver;

    HeadlessChromium(int width, int height) {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("the console's browser tests need Debian's chromium and chromium-driver ("
                    + BROWSER + ", " + DRIVER + "): apt-get install chromium chromium-driver (.ci/run does)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves the page as target/console-screenshots/{name}.png, the whole page tall. */
    void screenshot(String name) throws IOException {
        Object height = driver.executeScript("return Math.max(document.body.scrollHeight, window.innerHeight)");
        Dimension before = driver.manage().window().getSize();
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", before.getWidth(),
                "height", Math.min(4000, ((Number) height).intValue()), "deviceScaleFactor", 1, "mobile", false));
        Files.createDirectories(SCREENSHOTS);
        File png = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    @Override
    public void close() {
        driver.quit();
    }
}
