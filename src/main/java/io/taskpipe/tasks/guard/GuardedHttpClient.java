package io.taskpipe.tasks.guard;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;

/**
 * The HTTP client of {@code url.fetch} (Apache HttpClient 5, classic API), with everything that could
 * carry a request past the {@link UrlGuard} or past its limits turned off:
 * <ul>
 * <li>every host is resolved by the {@link GuardedDnsResolver}, so the client connects only to
 *     addresses the guard allowed at that moment; no proxy (system properties are not read);</li>
 * <li>no connection is ever reused: each exchange opens its own connection, resolved and checked
 *     afresh, and closes it. A pool keyed by host name would let a connection opened to an address
 *     the guard allowed serve a later task after the guard's answer for that name changed (DNS
 *     rebinding, a host put on the denylist). One connection per exchange costs a handshake and
 *     makes that impossible, which is simpler to trust than validating pooled connections;</li>
 * <li>no redirects, retries, cookies or authentication: the task follows redirects by hand, checking
 *     each hop, and the lane retries;</li>
 * <li>no compression asked for or decoded, so a gzip bomb is hashed as sent;</li>
 * <li>response heads bounded: at most {@value #MAX_HEADERS} header lines of at most
 *     {@value #MAX_LINE_LENGTH} characters;</li>
 * <li>TLS end to end, with the JDK's trust store and host name verification against the URL's host.</li>
 * </ul>
 * Its failures are told apart by exception type ({@link #failure}), never by message text.
 */
public final class GuardedHttpClient implements AutoCloseable {

    public static final int MAX_LINE_LENGTH = 8 * 1024;
    public static final int MAX_HEADERS = 100;

    private final CloseableHttpClient client;

    public GuardedHttpClient(UrlGuard guard, Duration connectTimeout) {
        ManagedHttpClientConnectionFactory connections = ManagedHttpClientConnectionFactory.builder()
                .http1Config(Http1Config.custom().setMaxLineLength(MAX_LINE_LENGTH).setMaxHeaderCount(MAX_HEADERS).build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(guard))
                        .setConnectionFactory(connections)
                        .setTlsSocketStrategy(DefaultClientTlsStrategy.createDefault())
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.of(connectTimeout)).build())
                        // nothing idles in the pool (nothing is reused): the IO lane's concurrency is the bound
                        .setMaxConnTotal(Integer.MAX_VALUE)
                        .setMaxConnPerRoute(Integer.MAX_VALUE)
                        .build())
                .setConnectionReuseStrategy((request, response, context) -> false)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .build();
    }

    /** A GET that may take {@code remaining} for the connection lease and for each read, asking for the body as stored. */
    public static HttpGet get(URI uri, Duration remaining) {
        Timeout timeout = Timeout.ofMilliseconds(Math.max(1, remaining.toMillis())); // 0 would mean no timeout
        HttpGet get = new HttpGet(uri);
        get.setHeader("Accept-Encoding", "identity");
        get.setConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(timeout)
                .setResponseTimeout(timeout)
                .setRedirectsEnabled(false)
                .setAuthenticationEnabled(false)
                .setContentCompressionEnabled(false)
                .setProtocolUpgradeEnabled(false)
                .build());
        return get;
    }

    /**
     * Sends a request and returns the response once its head arrived. Before closing the response,
     * {@code cancel()} the request: that closes the connection, where closing the response alone
     * would first read out the rest of a body left unread (a gigabyte, a trickle).
     */
    public ClassicHttpResponse open(HttpGet get) throws IOException {
        return client.executeOpen(null, get, null);
    }

    /** What an I/O failure of an exchange with {@code uri} means, told by the exception's type. */
    public static TaskFailure failure(IOException e, URI uri) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            // the lane interrupts at the deadline; a virtual thread's blocking socket I/O then ends at once
            InterruptedException interrupted = new InterruptedException("GET " + uri + " interrupted");
            interrupted.initCause(e);
            throw interrupted;
        }
        HostRefusedException refused = cause(e, HostRefusedException.class);
        if (refused != null) {
            return refused.failure();
        }
        MessageConstraintException tooLarge = cause(e, MessageConstraintException.class);
        if (tooLarge != null) {
            return new TaskFailure(ErrorCode.TOO_LARGE, "GET " + uri + ": response head over the limit of " + MAX_HEADERS
                    + " header lines of " + MAX_LINE_LENGTH + " characters (" + tooLarge.getMessage() + ")", e);
        }
        if (e instanceof ConnectTimeoutException) {
            return TaskFailure.transientFailure(ErrorCode.UNAVAILABLE, "GET " + uri + ": connect timed out", e);
        }
        if (e instanceof SocketTimeoutException) {
            return new TaskFailure(ErrorCode.DEADLINE_EXCEEDED, "GET " + uri + " timed out: " + e.getMessage(), e);
        }
        return TaskFailure.transientFailure(ErrorCode.UNAVAILABLE, "GET " + uri + " failed: " + e, e);
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
