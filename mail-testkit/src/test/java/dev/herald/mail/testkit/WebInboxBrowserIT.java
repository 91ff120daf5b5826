package dev.herald.mail.testkit;

import static org.junit.jupiter.api.Assertions.*;

import dev.herald.mail.testkit.testing.InboxMail;
import java.awt.Color;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web inbox as a person uses it: Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver, against a {@link MockSmtpServer} fed by a real SMTP client. Skips (saying why) where
 * the browser is not installed; {@code .ci/run} installs it. With {@code -Dherald.screenshots=DIR} it
 * also saves the README's screenshots there.
 */
class WebInboxBrowserIT {
  private static final Path CHROMIUM = Path.of(System.getProperty("herald.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("herald.chromedriver", "/usr/bin/chromedriver"));
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Selenium finds no CDP bindings for this Chromium (none are on the class path: the tests use WebDriver alone); held, as JUL keeps loggers weakly. */
  private static final java.util.logging.Logger DEVTOOLS_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

  private static MockSmtpServer smtp;
  private static URI ui;
  private static ChromeDriver browser;
  private static Path profileDir;

  @BeforeAll static void start() throws Exception {
    // Checked again before each test, so that every skipped test is reported with the reason.
    if (!browserInstalled()) return;
    smtp = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.STARTTLS).user("app", "secret").build().start();
    ui = smtp.startUi(0);
    profileDir = Files.createTempDirectory("herald-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // No network here: without these Chromium keeps trying to reach Google's services.
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--user-data-dir=" + profileDir, "--window-size=1360,860", "--hide-scrollbars");
    // The driver named explicitly: Selenium Manager must not try to download one.
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    DEVTOOLS_LOG.setLevel(java.util.logging.Level.SEVERE);
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().scriptTimeout(WAIT);
  }

  private static boolean browserInstalled() { return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER); }

  @AfterAll static void stop() throws Exception {
    if (browser != null) browser.quit();
    if (smtp != null) smtp.close();
    if (profileDir != null) {
      try (var files = Files.walk(profileDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @BeforeEach void emptyInbox() throws Exception {
    Assumptions.assumeTrue(browserInstalled(), "needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
        + "): apt-get install -y chromium chromium-driver (.ci/run does)");
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ui.resolve("api/v1/messages"))
        .method("DELETE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    browser.get(ui.toString());
    waitFor(() -> browser.findElement(By.id("live")).getText().equals("live"));
  }

  @Test void aMessageSentOverSmtpAppearsWithoutAReload() throws Exception {
    js("window.__sameDocument = 'yes';");
    assertEquals(0, rows().size());
    InboxMail.message().from("Carol <carol@example.org>").subject("Arrives live").text("hello").sendTo(smtp, "app", "secret");
    waitFor(() -> rows().size() == 1);
    WebElement row = rows().get(0);
    assertEquals("Arrives live", row.findElement(By.className("subject")).getText());
    assertEquals("Carol <carol@example.org>", row.findElement(By.className("from")).getText());
    assertTrue(row.getText().contains("TLSv1.3") && row.getText().contains("AUTH app"), row.getText());
    assertEquals("yes", js("return window.__sameDocument;"), "the page was not reloaded");
  }

  @Test void theHtmlViewShowsTheBodyAndItsInlineImage() throws Exception {
    sendSamples();
    InboxMail.message().from("Herald Shop <shop@example.org>").to("Bob Example <bob@example.net>").subject("Your order #1042 has shipped")
        .text("Hi Bob,\n\nyour order #1042 is on its way.\n")
        .html("<div style=\"font-family:Arial,sans-serif;max-width:560px;margin:24px auto;color:#1e293b\">"
            + "<img id=\"logo\" src=\"cid:logo@shop\" width=\"96\" height=\"96\" alt=\"logo\">"
            + "<h1 style=\"color:#2563eb\">Your order is on its way</h1>"
            + "<p>Hi Bob, order <b>#1042</b> left our warehouse today and should arrive on Tuesday.</p>"
            + "<p style=\"background:#eff6ff;padding:12px;border-radius:6px\">Tracking number: <code>HX-2291-8810</code></p>"
            + "<p>Thanks for shopping with us.</p></div>")
        .inline("logo@shop", "image/png", InboxMail.png(96, 96, new Color(0x2563eb)))
        .attach("invoice-1042.pdf", "application/pdf", "%PDF-1.4 not really".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .sendTo(smtp, "app", "secret");
    waitFor(() -> rows().size() == 4);
    screenshot("inbox-list.png");
    rows().get(0).click();
    waitFor(() -> browser.findElement(By.id("v-subject")).getText().equals("Your order #1042 has shipped"));
    browser.switchTo().frame(browser.findElement(By.id("html-frame")));
    try {
      waitFor(() -> !browser.findElements(By.tagName("h1")).isEmpty());
      assertEquals("Your order is on its way", browser.findElement(By.tagName("h1")).getText());
      WebElement logo = browser.findElement(By.id("logo"));
      waitFor(() -> "true".equals(logo.getDomProperty("complete")));
      assertEquals("96", logo.getDomProperty("naturalWidth"), "the cid: image loaded");
    } finally {
      browser.switchTo().defaultContent();
    }
    screenshot("inbox-message.png");
  }

  @Test void scriptsInAMessageDoNotRun() throws Exception {
    js("window.__ran = false; window.addEventListener('message', function () { window.__ran = true; });");
    String attack = "try { parent.document.title = 'pwned'; } catch (e) {} try { parent.postMessage('pwned', '*'); } catch (e) {}"
        + " document.title = 'pwned'; document.body.setAttribute('data-ran', '1');";
    InboxMail.message().subject("Hostile").html("<html><head><title>quiet</title></head><body><h1>Hostile</h1>"
        + "<script>" + attack + "</script><img src=\"x\" onerror=\"" + attack.replace("'", "&#39;") + "\"></body></html>")
        .sendTo(smtp, "app", "secret");
    waitFor(() -> rows().size() == 1);
    rows().get(0).click();
    browser.switchTo().frame(browser.findElement(By.id("html-frame")));
    try {
      waitFor(() -> !browser.findElements(By.tagName("h1")).isEmpty());
    } finally {
      browser.switchTo().defaultContent();
    }
    Thread.sleep(500); // time for a script or an error handler, had either run
    assertEquals("Herald inbox", browser.getTitle());
    assertEquals(Boolean.FALSE, js("return window.__ran;"), "no message came from the frame");
    // And the document on its own, outside the iframe's sandbox: its policy alone stops the script.
    String id = rows().get(0).getDomAttribute("data-id");
    browser.get(ui.resolve("view/" + id + ".html").toString());
    waitFor(() -> !browser.findElements(By.tagName("h1")).isEmpty());
    Thread.sleep(300);
    assertEquals("quiet", browser.getTitle());
    assertNull(browser.findElement(By.tagName("body")).getDomAttribute("data-ran"));
  }

  @Test void remoteImagesLoadOnlyWhenAskedFor() throws Exception {
    // "Remote": another origin (a second server on loopback), since this machine has no network.
    byte[] png = InboxMail.png(24, 24, Color.ORANGE);
    com.sun.net.httpserver.HttpServer remote = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    java.util.concurrent.atomic.AtomicInteger fetched = new java.util.concurrent.atomic.AtomicInteger();
    remote.createContext("/pixel.png", ex -> {
      fetched.incrementAndGet();
      ex.getResponseHeaders().set("Content-Type", "image/png");
      ex.sendResponseHeaders(200, png.length);
      ex.getResponseBody().write(png);
      ex.close();
    });
    remote.start();
    try {
      String src = "http://127.0.0.1:" + remote.getAddress().getPort() + "/pixel.png";
      InboxMail.message().subject("Tracking pixel").html("<h1>News</h1><img id=\"remote\" src=\"" + src + "\">").sendTo(smtp, "app", "secret");
      waitFor(() -> rows().size() == 1);
      rows().get(0).click();
      assertEquals(0, remoteImageWidth(), "blocked by default");
      assertEquals(0, fetched.get(), "not even requested");
      browser.findElement(By.id("remote-images")).click();
      waitFor(() -> remoteImageWidth() == 24);
      assertTrue(fetched.get() > 0);
    } finally {
      remote.stop(0);
    }
  }

  /** The remote image's naturalWidth inside the message frame, once the frame's document has loaded. */
  private static int remoteImageWidth() {
    browser.switchTo().frame(browser.findElement(By.id("html-frame")));
    try {
      waitFor(() -> !browser.findElements(By.id("remote")).isEmpty()
          && "true".equals(browser.findElement(By.id("remote")).getDomProperty("complete")));
      return Integer.parseInt(browser.findElement(By.id("remote")).getDomProperty("naturalWidth"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      browser.switchTo().defaultContent();
    }
  }

  @Test void attachmentsDownloadByteIdentical() throws Exception {
    byte[] data = new byte[200_000];
    new Random(42).nextBytes(data);
    InboxMail.message().subject("With a file").text("see attached").attach("données.bin", "application/octet-stream", data)
        .sendTo(smtp, "app", "secret");
    waitFor(() -> rows().size() == 1);
    rows().get(0).click();
    browser.findElement(By.cssSelector("[data-tab=attachments]")).click();
    WebElement link = browser.findElement(By.cssSelector("#attachments a.download"));
    waitFor(link::isDisplayed);
    assertEquals("données.bin", link.getDomAttribute("download"));
    Object fetched = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {"
        + "  let s = ''; const u = new Uint8Array(b); for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);"
        + "  done(btoa(s)); }).catch(e => done('error: ' + e));", link.getDomProperty("href"));
    assertArrayEquals(data, Base64.getDecoder().decode((String) fetched));
  }

  @Test void searchAndDeleteWork() throws Exception {
    sendSamples();
    waitFor(() -> rows().size() == 3);
    WebElement search = browser.findElement(By.id("search"));
    search.sendKeys("from:dave");
    waitFor(() -> subjects().equals(List.of("Lunch on Friday?")));
    search.clear();
    search.sendKeys("invoice");
    waitFor(() -> subjects().equals(List.of("Invoice 2026-03")));
    search.clear();
    search.sendKeys(" ");
    waitFor(() -> rows().size() == 3);

    rows().get(1).click();
    waitFor(() -> browser.findElement(By.id("view")).isDisplayed());
    String gone = browser.findElement(By.id("v-subject")).getText();
    browser.findElement(By.id("delete")).click();
    waitFor(() -> rows().size() == 2 && !subjects().contains(gone));
    assertFalse(browser.findElement(By.id("view")).isDisplayed());

    WebElement all = browser.findElement(By.id("delete-all"));
    all.click();
    assertEquals(2, rows().size(), "the first click only asks to confirm");
    all.click();
    waitFor(() -> rows().isEmpty());
    assertTrue(browser.findElement(By.id("empty")).isDisplayed());
    assertEquals(0, smtpUiTotal());
  }

  private static void sendSamples() throws Exception {
    InboxMail.message().from("Dave <dave@example.org>").to("team@example.net").subject("Lunch on Friday?")
        .text("Pizza at noon, the usual place?").sendTo(smtp, "app", "secret");
    InboxMail.message().from("Billing <billing@example.com>").to("Bob Example <bob@example.net>").subject("Invoice 2026-03")
        .text("Your invoice for March is attached.").attach("invoice-2026-03.pdf", "application/pdf", new byte[2048])
        .sendTo(smtp, "app", "secret");
    InboxMail.message().from("Monitoring <alerts@example.org>").to("ops@example.net").subject("Disk usage above 80%")
        .text("db-1 /var is 83% full.").html("<p><b>db-1</b> /var is 83% full.</p>").sendTo(smtp, "app", "secret");
  }

  private static int smtpUiTotal() throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ui.resolve("api/v1/messages")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return Integer.parseInt(body.replaceFirst("^\\{\"total\":(\\d+),.*", "$1"));
  }

  private static List<WebElement> rows() { return browser.findElements(By.cssSelector("#list .msg")); }

  private static List<String> subjects() {
    return rows().stream().map(r -> r.findElement(By.className("subject")).getText()).toList();
  }

  private static Object js(String script) { return ((JavascriptExecutor) browser).executeScript(script); }

  /** Polls {@code condition} for up to {@link #WAIT}; an element replaced meanwhile counts as not yet. */
  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) return;
      } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
        // the list was re-rendered: look again
      }
      if (System.nanoTime() > deadline) fail("not within " + WAIT + "; the page shows: " + browser.findElement(By.tagName("body")).getText());
      Thread.sleep(50);
    }
  }

  private static void screenshot(String name) throws Exception {
    String dir = System.getProperty("herald.screenshots");
    if (dir == null || dir.isBlank()) return;
    Files.createDirectories(Path.of(dir));
    Files.write(Path.of(dir, name), browser.getScreenshotAs(OutputType.BYTES));
  }
}
