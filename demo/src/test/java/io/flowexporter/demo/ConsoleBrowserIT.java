package io.flowexporter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowexporter.app.it.Await;
import io.flowexporter.app.it.ExporterProcess;
import io.flowexporter.app.it.TopAnswers;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}),
 * on the demo as {@code bin/demo} runs it (broker, generator, sample databases, exporter with the
 * flow API): the top table names the sample peers, the map shades exactly the countries {@code
 * /api/v1/top} counts traffic from, all of the sample database's, and Tab reaches them, the top
 * ports show the generator's server ports, every visible control is labelled, a search returns
 * matching rows, a tap fills the table with its end reason, and an {@code error} end, an answer
 * without its end line and a line that is not JSON are shown as failures; readable on a phone
 * without horizontal scrolling; a page that could not read {@code /api/v1/console} at first says so
 * and shows the map and the flow form once a refresh reads it. Screenshots go to {@code
 * target/console/} for a person to look at.
 */
class ConsoleBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Pattern TOKEN =
      Pattern.compile("flow API token of this run \\(for the console's flow form\\): (\\S+)");
  private static final Path SHOTS = Path.of("target", "console");

  @Test
  void theDemosConsoleShowsPeersCountriesSearchAndTap(@TempDir Path dir) throws Exception {
    assertThat(CHROMIUM)
        .as("Debian's chromium is needed: apt-get install chromium chromium-driver")
        .isExecutable();
    assertThat(CHROMEDRIVER)
        .as("Debian's chromium-driver is needed: apt-get install chromium-driver")
        .isExecutable();
    Files.createDirectories(SHOTS);
    Set<String> sampleNames = sampleColumn("/demo/sample-asn.csv", 2);
    // A network's country, or its registered country where it has none (1.1.1.0/24: AU).
    Set<String> sampleCountries = new HashSet<>();
    for (String line : sampleColumn("/demo/sample-country.csv", 1)) {
      String[] codes = line.split(",");
      sampleCountries.add(codes[0].isEmpty() ? codes[2] : codes[0]);
    }

    int port = ExporterProcess.freePort();
    try (ExporterProcess demo =
        ExporterProcess.startRaw(
            dir.resolve("demo.log"),
            Map.of(),
            port,
            "demo",
            "--port",
            Integer.toString(port),
            "--rate",
            "300",
            "--status-interval",
            "5")) {
      // Rates need two samples of committed totals.
      HttpClient http = HttpClient.newHttpClient();
      Await.until(
          Duration.ofSeconds(120),
          () -> {
            assertThat(demo.isAlive()).as("demo running; log:\n%s", demo.log()).isTrue();
            JsonNode top = topAsReceive(http, port);
            return top != null
                && top.path("top").size() > 0
                && !top.path("top").get(0).path("bits_per_second").isNull();
          },
          demo::log);
      Matcher m = TOKEN.matcher(demo.log());
      assertThat(m.find()).as("the demo prints its flow API token").isTrue();
      String token = m.group(1);

      WebDriver browser = chromium();
      try {
        browser.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        wait.until(
            b ->
                b.findElements(By.cssSelector("#peers-receive tbody tr td:nth-child(2)")).size()
                    >= 3);
        List<String> names = texts(browser, "#peers-receive tbody tr td:nth-child(2)");
        assertThat(names).allSatisfy(n -> assertThat(sampleNames).contains(n));
        wait.until(
            b ->
                b.findElements(By.cssSelector("#peers-transmit tbody tr td:nth-child(2)")).size()
                    >= 3);
        assertThat(texts(browser, "#peers-transmit tbody tr td:nth-child(2)"))
            .isNotEmpty()
            .allSatisfy(n -> assertThat(sampleNames).contains(n));
        // a rate needs two samples of a ready exporter: "–" until then
        wait.until(b -> b.findElement(By.id("now-in")).getText().endsWith("bit/s"));
        // the token can never be part of a URL: it has no name, and Start works only by the script
        assertThat(browser.findElement(By.id("token")).getDomAttribute("name")).isNull();
        assertThat(browser.findElement(By.id("flow-start")).isEnabled()).isTrue();
        assertThat(texts(browser, "#routers tbody tr td:first-child"))
            .isNotEmpty()
            .allSatisfy(h -> assertThat(h).startsWith("edge"))
            .hasSizeLessThanOrEqualTo(10);
        // Every demo router receives and sends: each row has a rate in both directions, not the
        // "–" of a router looked up in only one direction's top. (A refresh may replace the rows
        // while they are read.)
        new WebDriverWait(browser, Duration.ofSeconds(30))
            .ignoring(StaleElementReferenceException.class)
            .until(
                b -> {
                  List<String> rates = texts(b, "#routers tbody tr td.num");
                  int routers = b.findElements(By.cssSelector("#routers tbody tr")).size();
                  return routers > 0
                      && rates.size() == 2 * routers
                      && rates.stream().allMatch(t -> t.endsWith("bit/s"));
                });

        wait.until(b -> b.findElements(By.cssSelector("#map path.has-traffic")).size() > 0);
        List<WebElement> shapes = browser.findElements(By.cssSelector("#map path"));
        assertThat(shapes).hasSizeGreaterThan(170);
        Set<String> shaded = new HashSet<>();
        browser
            .findElements(By.cssSelector("#map path.has-traffic"))
            .forEach(p -> shaded.add(p.getAttribute("data-code")));
        assertThat(shaded).contains("US").allSatisfy(c -> assertThat(sampleCountries).contains(c));
        // Exactly the countries the exporter counts traffic for now: none left out (a shape
        // missing from the map, a code mapped to the wrong shape) and none shaded without it. The
        // page refreshes every few seconds, so the two are compared until they agree.
        AtomicReference<Set<String>> shadedNow = new AtomicReference<>();
        AtomicReference<Set<String>> counted = new AtomicReference<>();
        new WebDriverWait(browser, Duration.ofSeconds(30))
            .ignoring(StaleElementReferenceException.class)
            .withMessage(() -> "shaded " + shadedNow.get() + ", counted " + counted.get())
            .until(
                b -> {
                  Set<String> now = new HashSet<>();
                  b.findElements(By.cssSelector("#map path.has-traffic"))
                      .forEach(p -> now.add(p.getAttribute("data-code")));
                  shadedNow.set(now);
                  counted.set(countriesReceiving(http, port));
                  return !now.isEmpty() && now.equals(counted.get());
                });
        // Hovering a country names it with its rate (Germany: the middle of its box is in it)...
        new Actions(browser)
            .moveToElement(browser.findElement(By.cssSelector("#map path[data-code='DE']")))
            .perform();
        wait.until(b -> b.findElement(By.id("map-tip")).getText().startsWith("Germany: "));
        assertThat(browser.findElement(By.id("map-tip")).getText()).endsWith("bit/s");
        // A counted country carries the country database's name, as the table does, not the map
        // data's own ("United States of America").
        assertThat(
                browser
                    .findElement(By.cssSelector("#map path[data-code='US']"))
                    .getAttribute("aria-label"))
            .startsWith("United States: ");
        // ... and so does moving to it with the keyboard: real Tab presses from the top of the
        // page, not a script's focus(), which would reach a country that Tab cannot.
        String country = tabToShadedCountry(browser, 30);
        assertThat(country).as("a shaded country reached with Tab").isNotNull();
        wait.until(b -> b.findElement(By.id("map-tip")).getText().startsWith(country + ": "));
        // The tip follows the refreshes: after the next sample it still says what the country's
        // label says now, not the rate of the moment the focus came.
        String sampledBefore = browser.findElement(By.id("sample-time")).getText();
        wait.until(b -> !b.findElement(By.id("sample-time")).getText().equals(sampledBefore));
        Object tipAndLabel =
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return [document.getElementById('map-tip').textContent,"
                        + " document.activeElement.getAttribute('aria-label')];");
        assertThat((List<?>) tipAndLabel).hasSize(2).doesNotContainNull();
        assertThat(((List<?>) tipAndLabel).get(0)).isEqualTo(((List<?>) tipAndLabel).get(1));
        assertThat(browser.findElement(By.id("legend")).getText()).contains("log scale");

        // The demo counts its generator's server ports, in both directions, per protocol; ICMP
        // has no ports, so it shows under none.
        wait.until(
            b ->
                b.findElement(By.id("ports")).isDisplayed()
                    && b.findElement(By.cssSelector("#ports-receive tbody tr td:nth-child(2)"))
                        .getText()
                        .endsWith("bit/s"));
        for (String table : List.of("#ports-receive", "#ports-transmit")) {
          assertThat(texts(browser, table + " tbody tr td:first-child"))
              .as(table)
              .contains("443/tcp", "443/udp", "80/tcp", "53/udp")
              .allSatisfy(p -> assertThat(p).matches("(443/(tcp|udp)|80/tcp|53/udp)"));
        }
        assertThat(unlabelledControls(browser)).as("visible controls without a label").isEmpty();
        assertThat(browser.findElement(By.id("scope")).getText())
            .contains("this instance", "not a time-series database");
        // The screenshot is docs/console.png: wait until the sparklines are lines over a few
        // samples, not the first point alone.
        new WebDriverWait(browser, Duration.ofSeconds(60))
            .until(b -> sparkLines(b, "#spark-in") >= 3);
        // Every peer row has its own sparkline, drawn from that peer's history (read in one
        // script: the page redraws the tables every few seconds).
        for (String table : List.of("#peers-receive", "#peers-transmit")) {
          Object lines =
              ((JavascriptExecutor) browser)
                  .executeScript(
                      "return [...document.querySelectorAll(arguments[0] + ' tbody tr')].map((tr)"
                          + " => { const p = tr.querySelector('td:nth-child(4) svg.sparkline"
                          + " path'); return p ? p.getAttribute('d') : 'none'; });",
                      table);
          assertThat((List<?>) lines)
              .as("the sparklines' paths of the rows of %s", table)
              .isNotEmpty()
              .allSatisfy(d -> assertThat(String.valueOf(d)).startsWith("M"));
        }
        // Tall enough for the top ports and the flow form's start (docs/console.png is a copy).
        screenshot(browser, "console-1280.png", 1280, 2600);

        // A search of the last minutes for one peer: rows of that peer, and the end reason.
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.cssSelector("input[name='mode'][value='search']")).click();
        // The search's own fields (from, to) are visible now: labelled too.
        assertThat(unlabelledControls(browser)).as("visible controls without a label").isEmpty();
        field(browser, "as", "15169");
        field(browser, "from", "-15m");
        field(browser, "limit", "20");
        browser.findElement(By.id("flow-start")).click();
        wait.until(b -> b.findElement(By.id("flow-status")).getAttribute("data-reason") != null);
        assertThat(browser.findElement(By.id("flow-status")).getText())
            .startsWith("Ended: limit (20 flows");
        List<WebElement> rows = browser.findElements(By.cssSelector("#flow-table tbody tr"));
        assertThat(rows).hasSize(20);
        for (WebElement row : rows) {
          String src = row.findElement(By.cssSelector("td:nth-child(5)")).getText();
          String dst = row.findElement(By.cssSelector("td:nth-child(6)")).getText();
          assertThat(src.startsWith("15169 ") || dst.startsWith("15169 "))
              .as(src + " / " + dst)
              .isTrue();
        }
        screenshot(browser, "console-search.png", 1280, 2600);

        // IPv6 endpoints: the address in brackets before the port, as in a URL. TCP only: the
        // generator's ICMP flows have no ports, and show the bare address.
        field(browser, "net", "2001:4860::/32");
        field(browser, "proto", "tcp");
        field(browser, "limit", "5");
        browser.findElement(By.id("flow-start")).click();
        wait.until(
            b -> b.findElement(By.id("flow-status")).getText().startsWith("Ended: limit (5 flows"));
        List<WebElement> ipv6Rows = browser.findElements(By.cssSelector("#flow-table tbody tr"));
        assertThat(ipv6Rows).hasSize(5);
        for (WebElement row : ipv6Rows) {
          String src = row.findElement(By.cssSelector("td:nth-child(2)")).getText();
          String dst = row.findElement(By.cssSelector("td:nth-child(3)")).getText();
          assertThat(List.of(src, dst)).anyMatch(e -> e.matches("\\[2001:4860:[0-9a-f:]+\\]:\\d+"));
        }
        field(browser, "net", "");
        field(browser, "proto", "");

        // A live tap: the table fills as lines arrive, then the end reason.
        browser.findElement(By.cssSelector("input[name='mode'][value='tap']")).click();
        browser.findElement(By.name("as")).clear();
        field(browser, "limit", "15");
        new Select(browser.findElement(By.name("direction"))).selectByVisibleText("receive");
        browser.findElement(By.id("flow-start")).click();
        wait.until(
            b -> "limit".equals(b.findElement(By.id("flow-status")).getAttribute("data-reason")));
        assertThat(browser.findElement(By.id("flow-status")).getText())
            .startsWith("Ended: limit (15 flows");
        List<WebElement> tapped = browser.findElements(By.cssSelector("#flow-table tbody tr"));
        assertThat(tapped).hasSize(15);
        assertThat(browser.findElement(By.id("flow-status")).getDomAttribute("class"))
            .as("a normal end is not shown as a failure")
            .isNullOrEmpty();
        assertThat(tapped)
            .allSatisfy(
                r ->
                    assertThat(r.findElement(By.cssSelector("td:nth-child(7)")).getText())
                        .isEqualTo("inbound"));
        // The token stays in this tab's session storage, nowhere else.
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(js.executeScript("return sessionStorage.getItem('flow-exporter-api-token')"))
            .isEqualTo(token);
        assertThat(js.executeScript("return localStorage.length")).isEqualTo(0L);

        // Rows show as their lines arrive, before the end line: an answer that holds its end line
        // back until the test lets it go.
        js.executeScript(
            "window.realFetch = window.realFetch || window.fetch;"
                + "const enc = new TextEncoder();"
                + "window.fetch = (url, options) => {"
                + "  if (!String(url).startsWith('/api/v1/flows/')) return window.realFetch(url, options);"
                + "  const ended = new Promise((r) => { window.releaseEnd = r; });"
                + "  const body = new ReadableStream({ async start(c) {"
                + "    c.enqueue(enc.encode('{\"source\":{\"ip\":\"192.0.2.9\",\"port\":53}}\\n'));"
                + "    await ended;"
                + "    c.enqueue(enc.encode("
                + "      '{\"end\":{\"reason\":\"limit\",\"flows\":1,\"scanned\":1,\"ms\":9}}\\n'));"
                + "    c.close(); } });"
                + "  return Promise.resolve(new Response(body,"
                + "    {status: 200, headers: {'Content-Type': 'application/x-ndjson'}}));"
                + "};");
        browser.findElement(By.id("flow-start")).click();
        wait.until(b -> b.findElement(By.id("flow-count")).getText().startsWith("1 flows so far"));
        assertThat(texts(browser, "#flow-table tbody tr td:nth-child(2)"))
            .containsExactly("192.0.2.9:53");
        assertThat(browser.findElement(By.id("flow-status")).getAttribute("data-reason")).isNull();
        js.executeScript("window.releaseEnd();");
        wait.until(
            b -> "limit".equals(b.findElement(By.id("flow-status")).getAttribute("data-reason")));
        assertThat(browser.findElement(By.id("flow-count")).getText()).isEmpty();

        // A scan that Kafka refused midway ends with reason "error": shown as a failure. The demo's
        // Kafka never refuses, so the page's fetch answers the flow API with that end line.
        answerFlowApiWith(
            js, "{\"end\":{\"reason\":\"error\",\"flows\":0,\"scanned\":7,\"ms\":3}}\n");
        browser.findElement(By.id("flow-start")).click();
        wait.until(
            b -> "error".equals(b.findElement(By.id("flow-status")).getAttribute("data-reason")));
        WebElement failed = browser.findElement(By.id("flow-status"));
        assertThat(failed.getText()).startsWith("Ended: error (0 flows").contains("Kafka refused");
        assertThat(failed.getDomAttribute("class")).isEqualTo("bad");

        // An answer cut short (a proxy's timeout, the exporter killed): the flows read are shown,
        // and the missing end line says the table may be incomplete.
        String flow = "{\"source\":{\"ip\":\"192.0.2.1\",\"port\":4711}}\n";
        answerFlowApiWith(js, flow);
        browser.findElement(By.id("flow-start")).click();
        wait.until(
            b ->
                b.findElement(By.id("flow-status"))
                    .getText()
                    .startsWith("The answer ended without its end line after 1 flows"));
        assertThat(browser.findElement(By.id("flow-status")).getDomAttribute("class"))
            .isEqualTo("bad");
        assertThat(texts(browser, "#flow-table tbody tr td:nth-child(2)"))
            .containsExactly("192.0.2.1:4711");
        // A line that is not JSON stops the scan and says so.
        answerFlowApiWith(js, flow + "<html>bad gateway</html>\n");
        browser.findElement(By.id("flow-start")).click();
        wait.until(
            b ->
                b.findElement(By.id("flow-status"))
                    .getText()
                    .startsWith("A line of the answer was not JSON after 1 flows"));
        assertThat(browser.findElement(By.id("flow-status")).getText())
            .endsWith("the scan was stopped.");
        assertThat(browser.findElement(By.id("flow-status")).getDomAttribute("class"))
            .isEqualTo("bad");

        // On a phone: nothing wider than the screen but the flow table, which scrolls in its box.
        browser.manage().window().setSize(new Dimension(390, 844));
        Object overflow =
            js.executeScript("return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(((Number) overflow).intValue())
            .as("horizontal overflow at 390 px")
            .isLessThanOrEqualTo(0);
        screenshot(browser, "console-phone.png", 390, 3400);

        // A page loaded while its instance cannot answer /api/v1/console (a restart in a rolling
        // upgrade): it says so, and shows the map and the flow form once a later refresh reads it,
        // without a reload. The first two reads of this page load fail with 503.
        browser.manage().window().setSize(new Dimension(1280, 2300));
        ((ChromeDriver) browser)
            .executeCdpCommand(
                "Page.addScriptToEvaluateOnNewDocument",
                Map.of(
                    "source",
                    "let consoleAsked = 0; let mapAsked = 0; window.portsGone = false;"
                        + "const realFetch = window.fetch;"
                        + "const refuse = (status) => Promise.resolve(new Response('no', {status}));"
                        + "window.fetch = (url, options) => {"
                        + "  const u = String(url);"
                        + "  if (u.startsWith('/api/v1/console') && ++consoleAsked <= 2) return refuse(503);"
                        + "  if (u.startsWith('/console/world.json') && ++mapAsked <= 1) return refuse(503);"
                        // Later, as if the instance had restarted without --port.
                        + "  if (window.portsGone && u.startsWith('/api/v1/top?family=port')) return refuse(400);"
                        + "  if (window.portsGone && u.startsWith('/api/v1/console'))"
                        + "    return realFetch(url, options).then((r) => r.json()).then((info) =>"
                        + "      new Response(JSON.stringify({...info,"
                        + "        families: info.families.filter((f) => f !== 'port')}), {status: 200}));"
                        + "  return realFetch(url, options);"
                        + "};"));
        browser.get("http://localhost:" + port + "/");
        wait.until(b -> b.findElement(By.id("info-unread")).isDisplayed());
        assertThat(browser.findElement(By.id("info-unread")).getText())
            .startsWith("Could not read /api/v1/console")
            .contains("HTTP 503");
        assertThat(browser.findElement(By.id("flow-form")).isDisplayed()).isFalse();
        // The map's first load fails: the page says so (the text stays once the message is
        // hidden again, which the next refresh may do within a moment), and a later refresh draws
        // it.
        new WebDriverWait(browser, Duration.ofSeconds(60))
            .until(b -> !b.findElement(By.id("map-error")).getDomProperty("textContent").isEmpty());
        assertThat(browser.findElement(By.id("map-error")).getDomProperty("textContent"))
            .startsWith("Could not draw the map")
            .contains("HTTP 503");
        new WebDriverWait(browser, Duration.ofSeconds(60))
            .until(
                b ->
                    !b.findElement(By.id("info-unread")).isDisplayed()
                        && b.findElement(By.id("flow-form")).isDisplayed()
                        && !b.findElement(By.id("map-error")).isDisplayed()
                        && b.findElements(By.cssSelector("#map path.has-traffic")).size() > 0);
        assertThat(browser.findElement(By.id("ports")).isDisplayed()).isTrue();
        // The instance "restarted without --port": the refused family sends the page back to
        // /api/v1/console, and the ports go while the rest stays current.
        ((JavascriptExecutor) browser).executeScript("window.portsGone = true;");
        new WebDriverWait(browser, Duration.ofSeconds(60))
            .until(
                b ->
                    !b.findElement(By.id("ports")).isDisplayed()
                        && b.findElement(By.id("status")).getText().startsWith("Ready"));
        assertThat(browser.findElements(By.cssSelector("section.stale"))).isEmpty();
        // The token typed once is still there: this tab's session storage.
        assertThat(browser.findElement(By.id("token")).getDomProperty("value")).isEqualTo(token);
      } finally {
        browser.quit();
      }
      demo.interrupt();
      assertThat(demo.waitFor(Duration.ofSeconds(60)))
          .as("exit status after Ctrl-C; log:\n%s", demo.log())
          .isZero();
    }
  }

  private static WebDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1280,2300");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  /**
   * Presses Tab at most {@code presses} times from where the focus is until it is on a shaded
   * country of the map; that country's name, or null if Tab never reached one.
   */
  private static String tabToShadedCountry(WebDriver browser, int presses) {
    JavascriptExecutor js = (JavascriptExecutor) browser;
    for (int i = 0; i < presses; i++) {
      new Actions(browser).sendKeys(Keys.TAB).perform();
      Object name =
          js.executeScript(
              "const e = document.activeElement;"
                  + "return e && e.matches('#map path.has-traffic')"
                  + " ? e.getAttribute('aria-label').split(': ')[0] : null;");
      if (name != null) {
        return (String) name;
      }
    }
    return null;
  }

  /**
   * The visible inputs, selects and text areas with no name from a label (label[for] or a wrapping
   * label), aria-label or aria-labelledby, as HTML; fails if there is no visible control at all,
   * which would make the check pass for nothing.
   */
  private static List<String> unlabelledControls(WebDriver browser) {
    Object found =
        ((JavascriptExecutor) browser)
            .executeScript(
                "const named = (t) => t !== null && t !== undefined && t.trim() !== '';"
                    + "const visible = [...document.querySelectorAll('input, select, textarea')]"
                    + "  .filter((e) => e.type !== 'hidden' && e.getClientRects().length > 0);"
                    + "if (visible.length === 0) return null;"
                    + "return visible.filter((e) =>"
                    + "  ![...e.labels].some((l) => named(l.textContent))"
                    + "  && !named(e.getAttribute('aria-label'))"
                    + "  && !(e.getAttribute('aria-labelledby') || '').split(/\\s+/)"
                    + "      .some((id) => id && document.getElementById(id)"
                    + "        && named(document.getElementById(id).textContent)))"
                    + "  .map((e) => e.outerHTML);");
    assertThat(found).as("visible controls").isNotNull();
    return ((List<?>) found).stream().map(String::valueOf).toList();
  }

  /** How many of a sparkline's points are joined to the one before (its line segments). */
  private static int sparkLines(WebDriver browser, String id) {
    Object d =
        ((JavascriptExecutor) browser)
            .executeScript(
                "const p = document.querySelector(arguments[0] + ' path');"
                    + "return p ? p.getAttribute('d') : '';",
                id);
    return String.valueOf(d).split("L", -1).length - 1;
  }

  /**
   * Makes the page's fetch answer the flow API (tap and search) with {@code ndjson} from now on, as
   * an exporter or a proxy in front of it could, instead of asking the exporter.
   */
  private static void answerFlowApiWith(JavascriptExecutor js, String ndjson) {
    js.executeScript(
        "window.realFetch = window.realFetch || window.fetch;"
            + "const body = arguments[0];"
            + "window.fetch = (url, options) => String(url).startsWith('/api/v1/flows/')"
            + "  ? Promise.resolve(new Response(body,"
            + "      {status: 200, headers: {'Content-Type': 'application/x-ndjson'}}))"
            + "  : window.realFetch(url, options);",
        ndjson);
  }

  private static void field(WebDriver browser, String name, String value) {
    WebElement e = browser.findElement(By.name(name));
    e.clear();
    e.sendKeys(value);
  }

  private static List<String> texts(WebDriver browser, String css) {
    return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
  }

  private static void screenshot(WebDriver browser, String name, int width, int height)
      throws IOException {
    browser.manage().window().setSize(new Dimension(width, height));
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name), png);
    browser.manage().window().setSize(new Dimension(1280, 2300));
  }

  private static JsonNode topAsReceive(HttpClient http, int port) {
    return TopAnswers.get(http, port, "family=as&direction=receive&n=10");
  }

  /**
   * The countries with traffic received now by {@code /api/v1/top}, the page's own source (a rate
   * above 0, or bytes while no country has a rate yet, as the page shades); the unknown country ZZ
   * has no shape.
   */
  private static Set<String> countriesReceiving(HttpClient http, int port) {
    JsonNode top =
        TopAnswers.get(http, port, "family=country&direction=receive&n=300&history=false");
    Set<String> codes = new HashSet<>();
    if (top == null) {
      return codes;
    }
    boolean rates = false;
    for (JsonNode row : top.path("top")) {
      rates |= !row.path("bits_per_second").isNull();
    }
    for (JsonNode row : top.path("top")) {
      double v = rates ? row.path("bits_per_second").asDouble() : row.path("bytes").asDouble();
      if (!row.path("other").asBoolean() && v > 0 && !row.path("country").asText().equals("ZZ")) {
        codes.add(row.path("country").asText());
      }
    }
    return codes;
  }

  /**
   * Column {@code column} and the rest of each line of a bundled sample CSV, comments skipped,
   * unquoted.
   */
  private static Set<String> sampleColumn(String resource, int column) throws IOException {
    Set<String> values = new HashSet<>();
    try (InputStream in = ConsoleBrowserIT.class.getResourceAsStream(resource)) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split(",", column + 1);
        String value = parts[column].trim();
        if (value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        values.add(value);
      }
    }
    return values;
  }
}
