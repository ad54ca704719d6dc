package io.taskpipe.tasks.io;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.guard.UrlGuard;
import io.taskpipe.testing.HttpStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * url.fetch's limits and answers, unit by unit against a real server: heads, bodies, compression,
 * deadlines, interrupts and status codes. UrlLimitsIT proves the same in a 128 MB dispatcher.
 */
class UrlFetchLimitsTest {

    private final HttpStub stub = new HttpStub();
    private final UrlFetchTask task = new UrlFetchTask(new UrlGuard(List.of("127.0.0.2/32"), false), Duration.ofSeconds(2), 1_000, 3);

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void headsOverTheLimitsAreTooLarge() throws Exception {
        stub.on("/long-line", exchange -> {
            exchange.getResponseHeaders().add("X-Filler", "h".repeat(9 * 1024));
            HttpStub.respond(exchange, 200, "fine");
        }).on("/many-lines", exchange -> {
            for (int i = 0; i < 150; i++) {
                exchange.getResponseHeaders().add("X-Filler-" + i, "h");
            }
            HttpStub.respond(exchange, 200, "fine");
        }).on("/within", exchange -> {
            for (int i = 0; i < 50; i++) {
                exchange.getResponseHeaders().add("X-Filler-" + i, "h".repeat(1024));
            }
            HttpStub.respond(exchange, 200, "fine");
        });
        for (String path : List.of("/long-line", "/many-lines")) {
            assertThat(failure(path, later())).as(path).satisfies(f -> assertThat(f.code()).isEqualTo(ErrorCode.TOO_LARGE));
        }
        assertThat(fetch("/within").bytes()).isEqualTo(4);
    }

    @Test
    void aBodyOverTheLimitEndsAtOnceWithoutReadingTheRest() {
        CompletableFuture<Instant> hungUp = new CompletableFuture<>();
        stub.on("/endless", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked, never ending
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                hungUp.complete(Instant.now());
            }
        });
        // a fetch that read out the rest before closing would never end: wait for it on the side
        CompletableFuture<TaskFailure> fetched = CompletableFuture.supplyAsync(() -> failure("/endless", later()), r -> Thread.ofVirtual().start(r));
        assertThat(fetched.orTimeout(2, TimeUnit.SECONDS).join().code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(hungUp.orTimeout(2, TimeUnit.SECONDS).join()).as("the connection was closed, not drained").isNotNull();
    }

    @Test
    void asksForIdentityAndHashesACompressedBodyAsSent() throws Exception {
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(new byte[100_000]);
        }
        byte[] bomb = gzipped.toByteArray();
        CompletableFuture<String> acceptEncoding = new CompletableFuture<>();
        stub.on("/bomb", exchange -> {
            acceptEncoding.complete(exchange.getRequestHeaders().getFirst("Accept-Encoding"));
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, bomb.length);
            exchange.getResponseBody().write(bomb);
            exchange.close();
        });
        assertThat(fetch("/bomb").bytes()).isEqualTo(bomb.length);
        assertThat(acceptEncoding.join()).isEqualTo("identity");
    }

    @Test
    void aSilentServerEndsAtTheDeadline() {
        stub.on("/silent", exchange -> {
            exchange.sendResponseHeaders(200, 1_000);
            sleepQuietly(10_000);
        });
        Instant start = Instant.now();
        assertThat(failure("/silent", new TaskContext(start.plusMillis(500))).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(Duration.between(start, Instant.now())).isBetween(Duration.ofMillis(400), Duration.ofMillis(1_500));
    }

    @Test
    void anInterruptEndsABlockingReadAtOnce() throws Exception {
        CountDownLatch firstByteSent = new CountDownLatch(1);
        stub.on("/trickle", exchange -> {
            exchange.sendResponseHeaders(200, 1_000);
            exchange.getResponseBody().write('x');
            exchange.getResponseBody().flush();
            firstByteSent.countDown();
            sleepQuietly(10_000);
        });
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread fetching = Thread.ofVirtual().start(() -> ended.complete(catchThrowable(() -> fetch("/trickle"))));
        assertThat(firstByteSent.await(5, TimeUnit.SECONDS)).isTrue();
        await("the fetch blocks in its read").atMost(Duration.ofSeconds(5)).until(() -> fetching.getState() == Thread.State.WAITING || fetching.getState() == Thread.State.TIMED_WAITING);
        Instant interrupted = Instant.now();
        fetching.interrupt();
        assertThat(ended.orTimeout(2, TimeUnit.SECONDS).join()).isInstanceOf(InterruptedException.class);
        assertThat(Duration.between(interrupted, Instant.now())).isLessThan(Duration.ofMillis(500));
    }

    @ParameterizedTest
    @CsvSource({"404, NOT_FOUND, false", "410, NOT_FOUND, false", "429, UNAVAILABLE, true", "503, UNAVAILABLE, true",
            "418, HTTP_ERROR, false", "400, HTTP_ERROR, false"})
    void statusCodesMapToErrors(int status, ErrorCode code, boolean transientFailure) {
        stub.on("/status", exchange -> HttpStub.respond(exchange, status, "no"));
        assertThat(failure("/status", later())).satisfies(f -> {
            assertThat(f.code()).isEqualTo(code);
            assertThat(f.isTransient()).isEqualTo(transientFailure);
        });
    }

    @Test
    void redirectsAreFollowedByHandUpToTheLimit() throws Exception {
        stub.on("/ok", exchange -> HttpStub.respond(exchange, 200, "fine"))
                .on("/relative", exchange -> HttpStub.redirect(exchange, "/ok"))
                .on("/chain/", exchange -> {
                    int hop = Integer.parseInt(exchange.getRequestURI().getPath().substring("/chain/".length()));
                    HttpStub.redirect(exchange, "/chain/" + (hop + 1));
                });
        assertThat(fetch("/relative").bytes()).isEqualTo(4);
        assertThat(failure("/chain/0", later())).satisfies(f -> {
            assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_URL);
            assertThat(f.getMessage()).isEqualTo("forbidden: more than 3 redirects, the last to /chain/4");
        });
    }

    private UrlFetchTask.Output fetch(String path) throws Exception {
        return task.run(new UrlFetchTask.Params(stub.url(path)), later());
    }

    private TaskFailure failure(String path, TaskContext context) {
        Throwable thrown = catchThrowable(() -> task.run(new UrlFetchTask.Params(stub.url(path)), context));
        assertThat(thrown).as(path).isInstanceOf(TaskFailure.class);
        return (TaskFailure) thrown;
    }

    private static TaskContext later() {
        return new TaskContext(Instant.now().plusSeconds(30));
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
