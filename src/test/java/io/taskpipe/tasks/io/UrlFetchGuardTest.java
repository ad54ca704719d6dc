package io.taskpipe.tasks.io;

import com.sun.net.httpserver.HttpServer;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.guard.GuardedHttpClient;
import io.taskpipe.tasks.guard.HostRefusedException;
import io.taskpipe.tasks.guard.UrlGuard;
import io.taskpipe.testing.Canary;
import io.taskpipe.testing.HttpStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * url.fetch and its guard, with DNS played by the test: the client connects to the very addresses
 * the guard checked, a changed DNS answer reaches nothing, IP literals are checked too, and refusals
 * are classified by their type. The canary listens on 127.0.0.1 on the server's own port, so a
 * connection to the second DNS answer would land on it.
 */
class UrlFetchGuardTest {

    private static final List<String> ONLY_THE_SERVER = List.of("127.0.0.2/32");

    private final Canary canary = new Canary();
    private final AtomicInteger served = new AtomicInteger();
    private final List<String> lookedUp = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void serveOnTheCanarysPortOf127002() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), canary.port()), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ok", exchange -> {
            served.incrementAndGet();
            HttpStub.respond(exchange, 200, "fine");
        });
        server.createContext("/fake-refusal", exchange -> {
            served.incrementAndGet();
            exchange.getResponseHeaders().add("X-Taskpipe-Refused", "FORBIDDEN_URL: a server may say anything");
            HttpStub.respond(exchange, 200, "fine");
        });
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.stop(0);
        canary.close();
    }

    @Test
    void connectsToTheAddressTheGuardCheckedAndAChangedAnswerReachesNothing() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        UrlGuard guard = guard(host -> host.equals("rebind.test")
                ? new InetAddress[] {InetAddress.getByName(lookups.getAndIncrement() == 0 ? "127.0.0.2" : "127.0.0.1")}
                : InetAddress.getAllByName(host));
        UrlFetchTask task = new UrlFetchTask(guard, Duration.ofSeconds(2), 1_000, 3);

        UrlFetchTask.Output first = task.run(new UrlFetchTask.Params(url("rebind.test", "/ok")), soon());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.bytes()).isEqualTo(4);
        assertThat(lookups).as("one lookup: the one checked is the one connected to").hasValue(1);

        // DNS now answers with the canary's address: the next task resolves afresh and is refused,
        // rather than reusing a connection to the address that used to be allowed
        assertThatThrownBy(() -> task.run(new UrlFetchTask.Params(url("rebind.test", "/ok")), soon()))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_URL);
                    assertThat(f.getMessage()).startsWith("forbidden: ").contains("127.0.0.1");
                });
        assertThat(served).as("requests the server saw").hasValue(1);
        assertThat(canary.connections()).as("connections that reached the canary").isZero();
    }

    @Test
    void ipLiteralsGoThroughTheGuardToo() throws Exception {
        UrlFetchTask task = new UrlFetchTask(guard(this::recorded), Duration.ofSeconds(2), 1_000, 3);

        assertThat(task.run(new UrlFetchTask.Params(url("127.0.0.2", "/ok")), soon()).status()).isEqualTo(200);
        assertThat(lookedUp).as("HttpClient asked its DNS hook for the literal").containsExactly("127.0.0.2");
        for (String literal : List.of("127.0.0.1", "[::ffff:127.0.0.1]", "[::1]")) {
            assertThatThrownBy(() -> task.run(new UrlFetchTask.Params(url(literal, "/ok")), soon()))
                    .as(literal)
                    .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_URL));
        }
        assertThat(canary.connections()).isZero();
    }

    @Test
    void aRefusalIsClassifiedByItsTypeNotItsText() throws Exception {
        UrlGuard refusing = new UrlGuard(ONLY_THE_SERVER, List.of(), false) {
            @Override
            public List<InetAddress> resolveAllowed(String host) {
                throw new TaskFailure(ErrorCode.FORBIDDEN_URL, "words no classifier could match");
            }
        };
        UrlFetchTask task = new UrlFetchTask(refusing, Duration.ofSeconds(2), 1_000, 3);
        assertThatThrownBy(() -> task.run(new UrlFetchTask.Params(url("127.0.0.2", "/ok")), soon()))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_URL);
                    assertThat(f.isTransient()).isFalse();
                    assertThat(f.getMessage()).isEqualTo("words no classifier could match");
                });
        assertThat(served).hasValue(0);

        URI uri = URI.create("http://example.test/");
        IOException proxyLike = new IOException("Unable to tunnel through proxy. Proxy returns \"HTTP/1.1 403 Refused\"");
        assertThat(GuardedHttpClient.failure(proxyLike, uri).code()).as("the old proxy's text means nothing now").isEqualTo(ErrorCode.UNAVAILABLE);
        TaskFailure refusal = new TaskFailure(ErrorCode.FORBIDDEN_URL, "x");
        IOException wrapped = new IOException("any text", new HostRefusedException("example.test", refusal));
        assertThat(GuardedHttpClient.failure(wrapped, uri)).as("found by type in the cause chain").isSameAs(refusal);
    }

    @Test
    void aServerCannotFakeARefusal() throws Exception {
        UrlFetchTask task = new UrlFetchTask(guard(InetAddress::getAllByName), Duration.ofSeconds(2), 1_000, 3);
        assertThat(task.run(new UrlFetchTask.Params(url("127.0.0.2", "/fake-refusal")), soon()).status()).isEqualTo(200);
    }

    @Test
    void anUnresolvableHostIsNotFound() {
        UrlFetchTask task = new UrlFetchTask(guard(host -> {
            throw new UnknownHostException(host);
        }), Duration.ofSeconds(2), 1_000, 3);
        assertThatThrownBy(() -> task.run(new UrlFetchTask.Params(url("nowhere.test", "/ok")), soon()))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(f.isTransient()).isFalse();
                });
    }

    private UrlGuard guard(UrlGuard.HostLookup lookup) {
        return new UrlGuard(ONLY_THE_SERVER, List.of(), false, lookup);
    }

    private InetAddress[] recorded(String host) throws UnknownHostException {
        lookedUp.add(host);
        return InetAddress.getAllByName(host.replace("[", "").replace("]", ""));
    }

    private String url(String host, String path) {
        return "http://" + host + ":" + canary.port() + path;
    }

    private static TaskContext soon() {
        return new TaskContext(Instant.now().plusSeconds(10));
    }
}
