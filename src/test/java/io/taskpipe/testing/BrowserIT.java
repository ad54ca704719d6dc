package io.taskpipe.testing;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser harness itself, on two pages of its own: that it waits for what a script changes, that it
 * hears console errors and uncaught exceptions (and none where there are none), that it saves screenshots,
 * and that closing it leaves no Chromium running. Dashboard tests rely on each of these.
 */
class BrowserIT {

    private static final String HEAD = "<!doctype html><html><head><meta charset=utf-8><title>%s</title></head><body>";

    private static HttpServer server;

    @BeforeAll
    static void serve() throws IOException {
        Browser.require();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        page("/counter.html", HEAD.formatted("counter") + """
                <p>ticks: <span id="count">0</span></p>
                <script>let n = 0; setInterval(() => document.getElementById('count').textContent = ++n, 50);</script>
                </body></html>""");
        page("/broken.html", HEAD.formatted("broken") + """
                <script>console.error('boom'); throw new Error('bang');</script>
                </body></html>""");
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void awaitsWhatAScriptChangesAndHearsNoErrorFromACleanPage() throws IOException {
        List<ProcessHandle> processes;
        try (Browser browser = new Browser()) {
            processes = browser.processes();
            browser.driver().get(url("/counter.html"));
            int ticks = browser.await(Duration.ofSeconds(10), driver -> {
                int count = Integer.parseInt(driver.findElement(By.id("count")).getText());
                return count >= 3 ? count : null;
            });
            assertThat(ticks).isGreaterThanOrEqualTo(3);
            assertThat(browser.consoleErrors()).isEmpty();

            Path png = browser.screenshot(Path.of("target", "browser", "counter.png"));
            assertThat(Files.size(png)).isPositive();
            assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
        }
        assertThat(processes).as("chromedriver and Chromium while open").isNotEmpty();
        assertThat(processes).as("still running after close").noneMatch(Browser::running);
    }

    @Test
    void hearsConsoleErrorsAndUncaughtExceptions() {
        try (Browser browser = new Browser()) {
            browser.driver().get(url("/broken.html"));
            List<String> errors = browser.await(Duration.ofSeconds(10),
                    driver -> browser.consoleErrors().size() >= 2 ? browser.consoleErrors() : null);
            assertThat(errors).hasSize(2);
            assertThat(errors).anySatisfy(error -> assertThat(error).contains("boom"));
            assertThat(errors).anySatisfy(error -> assertThat(error).contains("Uncaught").contains("bang"));
        }
    }

    private static void page(String path, String html) {
        byte[] body = html.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }
}
