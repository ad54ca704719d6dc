package io.taskpipe.tasks.io;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.guard.EgressProxy;
import io.taskpipe.tasks.guard.UrlGuard;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotBlank;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * {@code url.fetch}: an HTTP GET with {@link HttpClient}. Every connection goes through the
 * {@link EgressProxy}, which checks the address it connects to; redirects are followed by hand so
 * that every hop passes the {@link UrlGuard} first. The body is streamed into a SHA-256 and cut off
 * at the size limit; compressed bodies are neither asked for nor decoded, so a "zip bomb" costs only
 * its compressed size. Unreachable servers and 429/5xx answers are transient failures (retried).
 */
@Singleton
public class UrlFetchTask extends TaskHandler<UrlFetchTask.Params> {

    public record Params(@NotBlank String url) {
    }

    public record Output(int status, long bytes, String sha256, double ttfbMs) {
    }

    private final UrlGuard guard;
    private final EgressProxy proxy;
    private final HttpClient client;
    private final long maxBodyBytes;
    private final int maxRedirects;

    @Inject
    public UrlFetchTask(UrlGuard guard, TaskpipeConfig config) {
        this(guard, config.urls().connectTimeout(), config.urls().maxBodyBytes(), config.urls().maxRedirects());
    }

    public UrlFetchTask(UrlGuard guard, Duration connectTimeout, long maxBodyBytes, int maxRedirects) {
        super("url.fetch", Lane.IO, Params.class);
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
        this.maxRedirects = maxRedirects;
        this.proxy = new EgressProxy(guard, connectTimeout);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(ProxySelector.of(proxy.address()))
                .connectTimeout(connectTimeout)
                .build();
    }

    @PreDestroy
    void close() {
        client.close();
        proxy.close();
    }

    @Override
    public void check(Params params) {
        parse(params.url());
    }

    @Override
    public Output run(Params params, TaskContext context) throws IOException, InterruptedException {
        URI uri = parse(params.url());
        long start = System.nanoTime();
        for (int hop = 0; ; hop++) {
            guard.check(uri);
            HttpResponse<InputStream> response = send(uri, context);
            double ttfbMs = (System.nanoTime() - start) / 1e6;
            try (InputStream body = response.body()) {
                refusedByProxy(response);
                int status = response.statusCode();
                String location = response.headers().firstValue("location").orElse(null);
                if (status / 100 == 3 && location != null) {
                    if (hop >= maxRedirects) {
                        throw new TaskFailure(ErrorCode.FORBIDDEN_URL, "forbidden: more than " + maxRedirects + " redirects, the last to " + location);
                    }
                    uri = uri.resolve(parse(location));
                    continue;
                }
                if (status == 404 || status == 410) {
                    throw new TaskFailure(ErrorCode.NOT_FOUND, "GET " + uri + " answered " + status);
                }
                if (status == 429 || status >= 500) {
                    throw TaskFailure.transientFailure(ErrorCode.UNAVAILABLE, "GET " + uri + " answered " + status, null);
                }
                if (status >= 400) {
                    throw new TaskFailure(ErrorCode.HTTP_ERROR, "GET " + uri + " answered " + status);
                }
                return digest(body, status, ttfbMs, context);
            }
        }
    }

    private HttpResponse<InputStream> send(URI uri, TaskContext context) throws IOException, InterruptedException {
        Duration remaining = context.remaining();
        if (remaining.isZero()) {
            context.checkDeadline();
        }
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(remaining).header("Accept-Encoding", "identity").build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw TaskFailure.transientFailure(ErrorCode.UNAVAILABLE, "GET " + uri + ": connect timed out", e);
        } catch (HttpTimeoutException e) {
            throw new TaskFailure(ErrorCode.DEADLINE_EXCEEDED, "GET " + uri + " timed out: " + e.getMessage(), e);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("GET " + uri + " interrupted");
            }
            String message = String.valueOf(e.getMessage());
            if (message.contains("Unable to tunnel through proxy") && message.contains("403")) {
                throw new TaskFailure(ErrorCode.FORBIDDEN_URL, "GET " + uri + ": refused at connect time by the egress proxy", e);
            }
            throw TaskFailure.transientFailure(ErrorCode.UNAVAILABLE, "GET " + uri + " failed: " + e, e);
        }
    }

    private Output digest(InputStream body, int status, double ttfbMs, TaskContext context) throws IOException {
        MessageDigest digest = FileHashTask.sha256();
        byte[] buffer = new byte[64 * 1024];
        long bytes = 0;
        for (int n; (n = body.read(buffer)) > 0; ) {
            context.checkDeadline();
            bytes += n;
            if (bytes > maxBodyBytes) {
                throw new TaskFailure(ErrorCode.TOO_LARGE, "body larger than the limit of " + maxBodyBytes + " bytes");
            }
            digest.update(buffer, 0, n);
        }
        return new Output(status, bytes, HexFormat.of().formatHex(digest.digest()), ttfbMs);
    }

    /** The egress proxy's answer when it refused to connect (or to relay): a permanent failure with its reason. */
    private static void refusedByProxy(HttpResponse<?> response) {
        String refused = response.headers().firstValue(EgressProxy.REFUSED_HEADER).orElse(null);
        if (refused != null) {
            int colon = refused.indexOf(':');
            ErrorCode code = ErrorCode.valueOf(refused.substring(0, colon));
            String reason = refused.substring(colon + 1).trim();
            throw code == ErrorCode.UNAVAILABLE ? TaskFailure.transientFailure(code, reason, null) : new TaskFailure(code, reason);
        }
    }

    private static URI parse(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new TaskFailure(ErrorCode.INVALID_PARAMS, "params.url is not a URL: " + e.getMessage());
        }
    }
}
