package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.http.Role;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.simulator.MeterIdentity;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's, through its chromedriver) against a head-end
 * node reading a simulated fleet over real TCP and PostgreSQL: sign-in, the read run completing on the
 * live operations page, a meter found and its charts drawn, a disconnection confirmed and the breaker
 * seen to change, a read's trace, what an operator may not do, form posts without the anti-forgery
 * token, tokens and imports, labels and a tablet's width. Screenshots: target/console-screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final String ADMIN = "admin-token-for-the-console-test", ENGINEER = "engineer-token-for-the-console-test",
            OPERATOR = "operator-token-for-the-console-test", PLATFORM = "platform-token-for-the-console-test";
    static final int METERS = 6;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    SimulatedFleet fleet;
    HeadendNode node;
    HeadlessChromium browser;
    String base;

    @BeforeAll
    void start() throws Exception {
        fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(METERS).port(0).wrongKeyMeters(1).seed(7).build());
        node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of("admin.token", ADMIN))),
                Clock.systemUTC());
        node.services().tokens().register(ENGINEER, "field engineer", Role.ENGINEER);
        node.services().tokens().register(OPERATOR, "operations desk", Role.OPERATOR);
        node.services().tokens().register(PLATFORM, "prepayment platform", Role.PLATFORM);
        StringWriter csv = new StringWriter();
        fleet.exportCsv(csv);
        node.services().meters().importCsv(new StringReader(csv.toString()));
        base = "http://127.0.0.1:" + node.httpPort();
        browser = new HeadlessChromium(1280, 900);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (node != null) node.close();
        if (fleet != null) fleet.close();
    }

    @Test
    @Order(1)
    void signInRefusesABadTokenAndAPlatformTokenThenOpensAnHttpOnlySameSiteSession() throws Exception {
        browser.driver.manage().deleteAllCookies();
        browser.driver.get(base + "/console/operations");
        assertThat(browser.driver.getCurrentUrl()).contains("/console/sign-in?next=%2Fconsole%2Foperations");
        browser.screenshot("sign-in");
        typeToken("hes_this-token-does-not-exist");
        assertThat(text("problem")).contains("not valid");
        typeToken(PLATFORM);
        assertThat(text("problem")).contains("for machines");
        typeToken(ADMIN);
        assertThat(browser.driver.getCurrentUrl()).endsWith("/console/operations");
        Cookie session = browser.driver.manage().getCookieNamed("hes_console");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(session.getPath()).isEqualTo("/console");
        assertThat(text("role")).isEqualTo("admin");
        // the session cookie is not visible to scripts
        assertThat((String) browser.driver.executeScript("return document.cookie")).doesNotContain("hes_console");
    }

    @Test
    @Order(2)
    void theReadRunCompletesOnTheLiveOperationsPageAndADeadJobIsRequeued() throws Exception {
        signIn(OPERATOR);
        browser.driver.get(base + "/console/operations");
        assertThat(text("run-state")).isEqualTo("No read run yet.");
        node.services().planner().createRun(LocalDate.now(node.services().zone()), node.services().clock().instant(), Duration.ofSeconds(1));
        node.services().worker().nudge();
        // no reload: the live panel refreshes itself
        waitFor(Duration.ofSeconds(90), () -> text("run-state").startsWith("Complete"));
        assertThat(text("run-total")).isEqualTo(String.valueOf(METERS));
        assertThat(text("run-succeeded")).isEqualTo(String.valueOf(METERS - 1));
        assertThat(text("run-failed")).isEqualTo("1");
        String wrongKeys = fleet.identity(METERS - 1).ean();
        WebElement dead = browser.driver.findElement(By.id("dead-jobs"));
        assertThat(dead.getText()).contains(wrongKeys);
        assertThat(browser.driver.findElement(By.id("live")).getText()).contains("Failures by kind");
        browser.screenshot("operations");
        // operations may re-queue it; the notice says so
        navigate(By.cssSelector("#dead-jobs button"));
        assertThat(text("notice")).contains("is queued again");
        assertNoCspViolation();
    }

    @Test
    @Order(3)
    void anOperatorSeesNoCommandButtonsAndIsRefusedCommandsAndAdminPages() throws Exception {
        signIn(OPERATOR);
        String ean = fleet.identity(0).ean();
        browser.driver.get(base + "/console/meters/" + ean);
        assertThat(browser.driver.findElements(By.id("breaker-state"))).hasSize(1);
        for (String action : List.of("read-now", "disconnect", "reconnect", "limit", "unlimit", "display-balance")) {
            assertThat(browser.driver.findElements(By.id(action))).as(action).isEmpty();
        }
        assertThat(browser.driver.findElements(By.cssSelector("form[action*='/commands']"))).isEmpty();
        // a post made by hand, with the session's own anti-forgery token, is still refused by role
        String csrf = browser.driver.findElement(By.cssSelector("form.who input[name=csrf]")).getDomAttribute("value");
        Object status = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], {method: 'POST', body: new URLSearchParams({csrf: arguments[1], type: 'DISCONNECT'})})
                  .then(r => done(r.status));
                """, "/console/meters/" + ean + "/commands/confirm", csrf);
        assertThat(((Number) status).intValue()).isEqualTo(403);
        browser.driver.get(base + "/console/admin/tokens");
        assertThat(text("problem")).contains("the operator role may not use /console/admin/tokens");
        assertThat(browser.driver.findElements(By.linkText("Tokens"))).isEmpty();
        assertThat(commandsOf(ean)).isZero();
    }

    @Test
    @Order(4)
    void anEngineerFindsAMeterBySerialAndSeesItsChartsDrawn() throws Exception {
        signIn(ENGINEER);
        MeterIdentity m = fleet.identity(0);
        browser.driver.get(base + "/console/meters");
        browser.driver.findElement(By.id("q")).sendKeys(m.serial());
        navigate(By.id("find"));
        waitFor(Duration.ofSeconds(10), () -> browser.driver.getCurrentUrl().endsWith("/console/meters/" + m.ean()));
        waitFor(Duration.ofSeconds(20), () -> "true".equals(browser.driver.findElement(By.id("chart-daily")).getDomAttribute("data-drawn")));
        // 40 days of catch-up: the daily profile's captures, one a day, four registers each
        assertThat(Integer.parseInt(browser.driver.findElement(By.id("chart-indexes")).getDomAttribute("data-points"))).isGreaterThanOrEqualTo(30);
        assertThat(Integer.parseInt(browser.driver.findElement(By.id("chart-intervals")).getDomAttribute("data-points"))).isGreaterThan(90);
        for (String chart : List.of("chart-indexes", "chart-daily", "chart-intervals")) assertThat(inkedPixels(chart)).as(chart).isGreaterThan(500);
        assertThat(browser.driver.findElement(By.id("last-reads")).getText()).contains("Import, day (T1)", "Export, night (T2)");
        browser.screenshot("meter");
        // an EAN prefix lists several meters
        browser.driver.get(base + "/console/meters?q=" + m.ean().substring(0, 10));
        assertThat(browser.driver.findElements(By.cssSelector("#found tbody tr")).size()).isEqualTo(METERS);
        browser.driver.get(base + "/console/meters?q=no-such-meter");
        assertThat(text("nothing")).contains("No meter matches");
        assertNoCspViolation();
    }

    @Test
    @Order(5)
    void aDisconnectionIsConfirmedNamingTheMeterAndTheBreakerIsSeenToOpenThenClose() throws Exception {
        signIn(ENGINEER);
        MeterIdentity m = fleet.identity(1);
        browser.driver.get(base + "/console/meters/" + m.ean());
        assertThat(text("breaker-state")).isEqualTo("Not known");
        navigate(By.id("disconnect"));
        assertThat(text("confirm-meter")).isEqualTo(m.ean());
        assertThat(text("confirm")).isEqualTo("Disconnect meter " + m.ean());
        assertThat(fleet.state(1).outputState()).as("nothing is sent before the confirmation").isTrue();
        browser.screenshot("confirm");
        navigate(By.id("confirm"));
        assertThat(text("notice")).contains("Disconnect sent to meter " + m.ean());
        waitFor(Duration.ofSeconds(30), () -> text("breaker-state").equals("Disconnected"));
        assertThat(fleet.state(1).outputState()).isFalse();
        navigate(By.id("reconnect"));
        navigate(By.id("confirm"));
        waitFor(Duration.ofSeconds(30), () -> text("breaker-state").equals("Connected"));
        assertThat(fleet.state(1).outputState()).isTrue();
        waitFor(Duration.ofSeconds(10), () -> browser.driver.findElements(By.cssSelector("#commands td.status-SUCCEEDED")).size() == 2);
        browser.screenshot("meter-commands");
        // an out-of-range limit is refused before anything is sent, naming the bound
        WebElement watts = browser.driver.findElement(By.id("watts"));
        browser.driver.executeScript("arguments[0].removeAttribute('max'); arguments[0].value = '250000'", watts);
        navigate(By.id("limit"));
        assertThat(text("problem")).contains("between 100 and 100000 W");
        assertThat(commandsOf(m.ean())).isEqualTo(2);
    }

    @Test
    @Order(6)
    void aReadNowShowsItsRegistersAndItsDecodedTraceWithoutAnyKey() throws Exception {
        signIn(ENGINEER);
        MeterIdentity m = fleet.identity(2);
        browser.driver.get(base + "/console/meters/" + m.ean());
        navigate(By.id("read-now"));
        waitFor(Duration.ofSeconds(30), () -> text("read-state").equals("SUCCEEDED") && !browser.driver.findElements(By.id("trace")).isEmpty());
        String page = browser.driver.findElement(By.id("read")).getText();
        assertThat(page).contains("AARQ", "AARE", "get-request", "Import, day (T1)");
        assertThat(browser.driver.findElements(By.cssSelector("#trace tbody tr")).size()).isGreaterThanOrEqualTo(6);
        String source = browser.driver.getPageSource().toUpperCase(java.util.Locale.ROOT);
        for (byte[] key : List.of(m.encryptionKey(), m.authenticationKey())) assertThat(source).doesNotContain(HexFormat.of().withUpperCase().formatHex(key));
        browser.screenshot("trace");
        assertNoCspViolation();
    }

    @Test
    @Order(7)
    void aFormPostWithoutTheAntiForgeryTokenOrFromAnotherSiteIsRefusedAndSendsNothing() throws Exception {
        signIn(ENGINEER);
        MeterIdentity m = fleet.identity(3);
        browser.driver.get(base + "/console/meters/" + m.ean());
        String cookie = "hes_console=" + browser.driver.manage().getCookieNamed("hes_console").getValue();
        String csrf = browser.driver.findElement(By.cssSelector("form.who input[name=csrf]")).getDomAttribute("value");
        String path = "/console/meters/" + m.ean() + "/commands";

        HttpResponse<String> none = post(path, cookie, null, Map.of("type", "DISCONNECT", "key", "k1"));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("anti-forgery token is missing or out of date");
        HttpResponse<String> wrong = post(path, cookie, null, Map.of("type", "DISCONNECT", "key", "k2", "csrf", csrf + "x"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        HttpResponse<String> foreign = post(path, cookie, "http://evil.example", Map.of("type", "DISCONNECT", "key", "k3", "csrf", csrf));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("posted from http://evil.example");
        HttpResponse<String> noSession = post(path, null, null, Map.of("type", "DISCONNECT", "key", "k4", "csrf", csrf));
        assertThat(noSession.statusCode()).isEqualTo(401);
        assertThat(commandsOf(m.ean())).isZero();
        assertThat(fleet.state(3).outputState()).isTrue();

        // the same post with the token is taken: the check refuses what it should, not everything
        HttpResponse<String> good = post(path, cookie, base, Map.of("type", "RECONNECT", "key", "k5", "csrf", csrf));
        assertThat(good.statusCode()).isEqualTo(303);
        assertThat(commandsOf(m.ean())).isEqualTo(1);

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/console/meters/" + m.ean())).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'", "frame-ancestors 'none'");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("onclick=").doesNotContain("style=\"");
    }

    @Test
    @Order(8)
    void anAdminCreatesATokenShownOnceRevokesItAndItsSessionEnds() throws Exception {
        signIn(ADMIN);
        browser.driver.get(base + "/console/admin/tokens");
        browser.driver.findElement(By.id("token-name")).sendKeys("tablet 7");
        new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("token-role"))).selectByValue("engineer");
        navigate(By.id("create-token"));
        String token = text("created-token");
        assertThat(token).startsWith("hes_");
        // a session opened with it elsewhere
        HttpResponse<String> signedIn = post("/console/sign-in", null, null, Map.of("token", token, "next", "/console/operations"));
        assertThat(signedIn.statusCode()).isEqualTo(303);
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(get("/console/operations", cookie).statusCode()).isEqualTo(200);
        browser.driver.get(base + "/console/admin/tokens");
        assertThat(browser.driver.getPageSource()).doesNotContain(token);
        navigate(By.cssSelector("button[aria-label='Revoke token tablet 7']"));
        navigate(By.id("confirm"));
        assertThat(text("notice")).contains("\"tablet 7\" (engineer) is revoked");
        HttpResponse<String> after = get("/console/operations", cookie);
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.headers().firstValue("Location").orElseThrow()).startsWith("/console/sign-in");
        assertThat(node.services().tokens().roleOf(token)).isEmpty();
    }

    @Test
    @Order(9)
    void anAdminImportsMetersAndSeesEachRefusedLineWithItsReason() throws Exception {
        signIn(ADMIN);
        StringWriter csv = new StringWriter();
        fleet.exportCsv(csv);
        String[] lines = csv.toString().split("\n");
        String pasted = lines[0] + "\n" + lines[1] + "\n" + "123,serial-x,127.0.0.1,4059\n";
        browser.driver.get(base + "/console/admin/import");
        browser.driver.executeScript("document.getElementById('csv').value = arguments[0]", pasted);
        navigate(By.id("import"));
        assertThat(text("import-summary")).isEqualTo("1 accepted, 1 rejected.");
        assertThat(browser.driver.findElement(By.id("rejected")).getText()).contains("3");
        browser.screenshot("import");
    }

    @Test
    @Order(10)
    void everyFieldHasALabelTheSkipLinkComesFirstAndPagesFitATablet() throws Exception {
        signIn(ADMIN);
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(768, 1024));
        try {
            for (String page : List.of("/console/operations", "/console/meters/" + fleet.identity(0).ean(), "/console/meters",
                    "/console/admin/tokens", "/console/admin/import")) {
                browser.driver.get(base + page);
                Object unlabelled = browser.driver.executeScript("""
                        return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                          .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.name || e.id);
                        """);
                assertThat((List<?>) unlabelled).as(page).isEmpty();
                Object overflow = browser.driver.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                Object wide = browser.driver.executeScript("""
                        const w = document.documentElement.clientWidth;
                        return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1
                            && !(e.parentElement && e.parentElement.closest('.scroll'))).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8);
                        """);
                assertThat(((Number) overflow).intValue()).as(page + " wider than a tablet: " + wide).isLessThanOrEqualTo(0);
                Object first = browser.driver.executeScript("""
                        return document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])').textContent
                        """);
                assertThat(first).as(page + ": the first stop of the keyboard").isEqualTo("Skip to content");
            }
            // and a real Tab from the top of a page without autofocus lands on it, Enter moves the focus to the content
            browser.driver.get(base + "/console/operations");
            browser.driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
            assertThat(browser.driver.switchTo().activeElement().getText()).isEqualTo("Skip to content");
            browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
            assertThat(browser.driver.switchTo().activeElement().getDomAttribute("id")).isEqualTo("main");
            browser.driver.get(base + "/console/meters/" + fleet.identity(0).ean());
            browser.screenshot("meter-tablet");
        } finally {
            browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }
        assertNoCspViolation();
    }

    @Test
    @Order(11)
    void anAdminRenewsAMetersKeysAfterAConfirmationAndSeesTheNewVersionActive() throws Exception {
        signIn(OPERATOR);
        MeterIdentity m = fleet.identity(4);
        browser.driver.get(base + "/console/meters/" + m.ean());
        assertThat(browser.driver.findElements(By.id("renew-keys"))).as("operators renew nothing").isEmpty();
        signIn(ADMIN);
        browser.driver.get(base + "/console/meters/" + m.ean());
        assertThat(browser.driver.findElement(By.id("key-versions")).getText()).contains("1 active registry");
        navigate(By.id("renew-keys"));
        assertThat(text("confirm-meter")).isEqualTo(m.ean());
        assertThat(fleet.keyChanges(4)).as("nothing sent before the confirmation").isZero();
        navigate(By.id("confirm"));
        assertThat(text("notice")).contains("Key renewal of meter " + m.ean() + " queued");
        waitFor(Duration.ofSeconds(60), () -> {
            browser.driver.navigate().refresh();
            return browser.driver.findElement(By.id("key-versions")).getText().contains("2 active renewal");
        });
        assertThat(browser.driver.findElement(By.id("key-versions")).getText()).contains("1 retired registry");
        assertThat(fleet.keyChanges(4)).isEqualTo(1);
        String page = browser.driver.getPageSource().toUpperCase(java.util.Locale.ROOT);
        for (byte[] k : fleet.currentKeys(4)) assertThat(page).doesNotContain(HexFormat.of().withUpperCase().formatHex(k));
        browser.driver.get(base + "/console/operations");
        assertThat(browser.driver.findElement(By.id("renewals")).getText()).contains("meter:" + m.ean(), "1 of 1");
    }

    // ------------------------------------------------------------------ helpers

    private void signIn(String token) {
        browser.driver.manage().deleteAllCookies();
        browser.driver.get(base + "/console/sign-in");
        typeToken(token);
        assertThat(browser.driver.getCurrentUrl()).as(() -> "signed in? " + browser.driver.findElement(By.tagName("main")).getText())
                .endsWith("/console/operations");
    }

    private void typeToken(String token) {
        WebElement field = browser.driver.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        navigate(By.id("sign-in"));
    }

    /** Clicks what submits a form or follows a link, and waits until the next page replaced this one. */
    private void navigate(By what) {
        WebElement e = browser.driver.findElement(what);
        WebElement html = browser.driver.findElement(By.tagName("html"));
        e.click();
        // the old page's root is gone: Chromium says so as a stale element or, at times, as a node that
        // "does not belong to the document" (a plain WebDriverException, which stalenessOf does not catch)
        new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(d -> {
            try {
                html.isEnabled();
                return false;
            } catch (org.openqa.selenium.WebDriverException gone) {
                return true;
            }
        });
    }

    private String text(String id) {
        return browser.driver.findElement(By.id(id)).getText().trim();
    }

    private void waitFor(Duration limit, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser.driver, limit, Duration.ofMillis(200)).ignoring(org.openqa.selenium.NoSuchElementException.class)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.WebDriverException.class) // a live panel replaced while it was read
                .until(d -> condition.getAsBoolean());
    }

    /** Pixels of a chart's canvas that are not transparent: zero when nothing was drawn. */
    private long inkedPixels(String chartId) {
        Object n = browser.driver.executeScript("""
                const c = document.querySelector('#' + arguments[0] + ' canvas');
                if (!c) return 0;
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let inked = 0;
                for (let i = 3; i < d.length; i += 4) if (d[i] > 0) inked++;
                return inked;
                """, chartId);
        return ((Number) n).longValue();
    }

    private void assertNoCspViolation() {
        List<LogEntry> entries = browser.driver.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(entries.stream().map(LogEntry::getMessage).filter(msg -> msg.contains("Content Security Policy") || msg.contains("Refused to")))
                .isEmpty();
    }

    private long commandsOf(String meterId) throws Exception {
        try (Connection c = node.services().db().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM commands WHERE meter_id = ?")) {
            ps.setString(1, meterId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private HttpResponse<String> post(String path, String cookie, String origin, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) b.header("Cookie", cookie);
        if (origin != null) b.header("Origin", origin);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
    }
}
