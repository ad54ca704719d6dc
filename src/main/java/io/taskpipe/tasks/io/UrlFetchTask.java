package io.taskpipe.tasks.io;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.guard.GuardedHttpClient;
import io.taskpipe.tasks.guard.UrlGuard;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.NotBlank;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * {@code url.fetch}: an HTTP GET through the {@link GuardedHttpClient}, which connects only to
 * addresses the {@link UrlGuard} allowed when it resolved them. Redirects are followed by hand so
 * that every hop is checked. The body is streamed into a SHA-256 and cut off at the size limit;
 * compressed bodies are neither asked for nor decoded, so a "zip bomb" costs only its compressed
 * size. Unreachable servers and 429/5xx answers are transient failures (retried).
 */
@Singleton
public class UrlFetchTask extends TaskHandler<UrlFetchTask.Params> {

    public record Params(@NotBlank String url) {
    }

    public record Output(int status, long bytes, String sha256, double ttfbMs) {
    }

    private final UrlGuard guard;
    private final GuardedHttpClient client;
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
        this.client = new GuardedHttpClient(guard, connectTimeout);
    }

    @PreDestroy
    void close() throws IOException {
        client.close();
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
            guard.checkUrl(uri); // its addresses are checked by the client's resolver, on connecting
            Duration remaining = context.remaining();
            if (remaining.isZero()) {
                context.checkDeadline();
            }
            HttpGet get = GuardedHttpClient.get(uri, remaining);
            try (ClassicHttpResponse response = client.open(get)) {
                try {
                    double ttfbMs = (System.nanoTime() - start) / 1e6;
                    int status = response.getCode();
                    Header location = response.getFirstHeader("Location");
                    if (status / 100 == 3 && location != null) {
                        if (hop >= maxRedirects) {
                            throw new TaskFailure(ErrorCode.FORBIDDEN_URL,
                                    "forbidden: more than " + maxRedirects + " redirects, the last to " + location.getValue());
                        }
                        uri = uri.resolve(parse(location.getValue()));
                        continue;
                    }
                    failIfError(status, uri);
                    return digest(response.getEntity(), status, ttfbMs, context);
                } finally {
                    get.cancel(); // closes the connection before the response: see GuardedHttpClient.open
                }
            } catch (IOException e) {
                throw GuardedHttpClient.failure(e, uri);
            }
        }
    }

    private static void failIfError(int status, URI uri) {
        if (status == 404 || status == 410) {
            throw new TaskFailure(ErrorCode.NOT_FOUND, "GET " + uri + " answered " + status);
        }
        if (status == 429 || status >= 500) {
            throw TaskFailure.transientFailure(ErrorCode.UNAVAILABLE, "GET " + uri + " answered " + status, null);
        }
        if (status >= 400) {
            throw new TaskFailure(ErrorCode.HTTP_ERROR, "GET " + uri + " answered " + status);
        }
    }

    private Output digest(HttpEntity entity, int status, double ttfbMs, TaskContext context) throws IOException {
        MessageDigest digest = FileHashTask.sha256();
        long bytes = 0;
        if (entity != null) {
            byte[] buffer = new byte[64 * 1024];
            InputStream body = entity.getContent();
            for (int n; (n = body.read(buffer)) >= 0; ) {
                context.checkDeadline();
                bytes += n;
                if (bytes > maxBodyBytes) {
                    throw new TaskFailure(ErrorCode.TOO_LARGE, "body larger than the limit of " + maxBodyBytes + " bytes");
                }
                digest.update(buffer, 0, n);
            }
        }
        return new Output(status, bytes, HexFormat.of().formatHex(digest.digest()), ttfbMs);
    }

    private static URI parse(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new TaskFailure(ErrorCode.INVALID_PARAMS, "params.url is not a URL: " + e.getMessage());
        }
    }
}
