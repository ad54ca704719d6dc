package io.taskpipe.testing;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A real headless Chromium for tests, driven through chromedriver: both come from Debian's packages
 * {@code chromium} and {@code chromium-driver}, which {@code .ci/run} installs. Both paths are named here, so
 * Selenium Manager, which would otherwise look for (and download) a driver and a browser, is never asked:
 * there is no network to download from. The flags suit a container running as root: no sandbox (Chromium
 * refuses one as root), no {@code /dev/shm} (often 64 MiB there), no GPU. The window is 1400 by 1000 pixels,
 * so a page and a screenshot get 1400 by about 860.
 *
 * <p>Where the browser is missing a test calls {@link #require()} first: skipped with one line, except under
 * {@code CI=true}, where it fails, as the container tier does for Docker.
 */
public final class Browser implements AutoCloseable {

    private static final String FAVICON_MISSING = "/favicon.ico - Failed to load resource";

    /**
     * Selenium warns at every start that it has no DevTools (CDP) module for this Chromium: none is on the class
     * path, and the harness needs none. Kept in a field so the logger, and its level, stay.
     */
    private static final Logger CDP_VERSION_FINDER = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final List<String> consoleErrors = new ArrayList<>();

    /** Starts the browser (two to four seconds on two cores); {@link #close()} ends it and its driver. */
    public Browser() {
        Path chromedriver = chromedriver().orElseThrow(() -> new IllegalStateException(missing()));
        Path chromium = chromium().orElseThrow(() -> new IllegalStateException(missing()));
        service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1400,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    /** Whether both chromium and chromedriver are installed. */
    public static boolean available() {
        return chromedriver().isPresent() && chromium().isPresent();
    }

    /** Aborts the calling test (or fails it under CI) unless {@link #available()}. */
    public static void require() {
        if (available()) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true, so the browser tests must run, but " + missing()
                    + " (.ci/run installs chromium and chromium-driver)");
        }
        String line = "browser test skipped: " + missing() + " (apt-get install chromium chromium-driver)";
        System.out.println(line); // the one line a build log shows: an aborted test says nothing else
        Assumptions.abort(line);
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * The console messages of level error the pages logged since the browser started, uncaught exceptions
     * included (Chromium reports them as {@code Uncaught ...}), each as Chromium words it: the page, the line
     * and column, then the message. Chromium hands each message out once, so they are kept here. Left out: a
     * 404 for {@code /favicon.ico}, which Chromium asks for by itself, whatever the page says.
     */
    public List<String> consoleErrors() {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue() && !entry.getMessage().contains(FAVICON_MISSING)) {
                consoleErrors.add(entry.getMessage());
            }
        }
        return List.copyOf(consoleErrors);
    }

    /** Saves what the window shows as a PNG, creating the folders it needs. */
    public Path screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until {@code condition} answers neither null nor false, and returns that answer; after
     * {@code timeout} fails with a {@link org.openqa.selenium.TimeoutException}. Exceptions the condition throws
     * fail at once, except Selenium's NotFoundException (an element not there yet), which is retried.
     */
    public <T> T await(Duration timeout, Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).until(condition);
    }

    /**
     * Ends the browser and its driver, and waits until none of their processes runs any more: a Chromium left
     * behind would outlive the test JVM. One still running after five seconds is killed.
     */
    @Override
    public void close() {
        List<ProcessHandle> processes = processes();
        try {
            driver.quit();
        } finally {
            service.stop();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (processes.stream().anyMatch(Browser::running) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            processes.stream().filter(Browser::running).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** This browser's chromedriver (the child of this JVM that listens on its port) and all it started. */
    List<ProcessHandle> processes() {
        String port = "--port=" + service.getUrl().getPort();
        return ProcessHandle.current().children()
                .filter(child -> child.info().arguments().map(args -> List.of(args).contains(port)).orElse(false))
                .flatMap(driverProcess -> Stream.concat(Stream.of(driverProcess), driverProcess.descendants()))
                .toList();
    }

    /**
     * Alive and not a zombie. A Chromium helper whose parent exited first is handed to PID 1, which in this
     * kind of container takes a second or two to reap it: dead, it still counts as alive to {@link ProcessHandle}.
     */
    static boolean running(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return process.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return process.isAlive(); // gone already, or no /proc
        }
    }

    /** {@code CHROMEDRIVER} if set, else Debian's {@code /usr/bin/chromedriver}, else the first on PATH. */
    static Optional<Path> chromedriver() {
        return executable(System.getenv("CHROMEDRIVER"), "chromedriver");
    }

    /** {@code CHROMIUM} if set, else Debian's {@code /usr/bin/chromium}, else the first on PATH. */
    static Optional<Path> chromium() {
        return executable(System.getenv("CHROMIUM"), "chromium");
    }

    private static Optional<Path> executable(String override, String name) {
        if (override != null && !override.isBlank()) {
            return Optional.of(Path.of(override)).filter(Files::isExecutable);
        }
        Stream<Path> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name));
        return Stream.concat(Stream.of(Path.of("/usr/bin", name)), path).filter(Files::isExecutable).findFirst();
    }

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    private static String missing() {
        List<String> absent = new ArrayList<>();
        if (chromium().isEmpty()) {
            absent.add("chromium");
        }
        if (chromedriver().isEmpty()) {
            absent.add("chromedriver");
        }
        return String.join(" and ", absent) + " not found (looked at $CHROMIUM and $CHROMEDRIVER if set, else /usr/bin and PATH)";
    }
}
