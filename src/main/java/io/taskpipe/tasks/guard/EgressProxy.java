package io.taskpipe.tasks.guard;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The egress proxy every {@code url.fetch} connection goes through, on loopback, in-process (the
 * pattern of Stripe's Smokescreen). The {@link UrlGuard} checks a URL before the request; this proxy
 * checks again at the moment it connects, resolving the host itself and connecting to the very
 * address it validated, so a DNS answer that changes in between (DNS rebinding) gains nothing.
 *
 * <p>HTTPS goes through {@code CONNECT} tunnels (TLS stays end to end); plain HTTP requests are
 * forwarded one per connection ({@code Connection: close}). A refused connection is answered with a
 * response carrying {@value #REFUSED_HEADER} ({@code CODE: reason}); on a tunnel the client only sees 403.
 */
public final class EgressProxy implements AutoCloseable {

    public static final String REFUSED_HEADER = "X-Taskpipe-Refused";
    private static final Logger LOG = Logger.getLogger(EgressProxy.class);
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final List<String> HOP_BY_HOP = List.of("connection", "proxy-connection", "keep-alive", "proxy-authorization", "te", "upgrade");

    private final UrlGuard guard;
    private final int connectTimeoutMillis;
    private final ServerSocket server;
    private final Thread acceptor;

    public EgressProxy(UrlGuard guard, Duration connectTimeout) {
        this.guard = guard;
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
        try {
            this.server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the url.fetch egress proxy", e);
        }
        this.acceptor = Thread.ofVirtual().name("egress-proxy").start(this::accept);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        acceptor.interrupt();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().name("egress-proxy-conn").start(() -> serve(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.debugf("egress proxy accept failed: %s", e.toString());
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(30_000);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            Head request = Head.read(in);
            if (request == null) {
                return;
            }
            String[] line = request.firstLine().split(" ");
            if (line.length != 3) {
                refuse(out, 400, ErrorCode.FORBIDDEN_URL, "malformed request line");
                return;
            }
            boolean tunnel = line[0].equalsIgnoreCase("CONNECT");
            URI target = tunnel ? URI.create("https://" + line[1]) : URI.create(line[1]);
            InetAddress address;
            try {
                address = guard.resolveAllowed(target.getHost()).get(0);
            } catch (TaskFailure e) {
                refuse(out, 403, e.code(), "refused at connect time: " + e.getMessage());
                return;
            }
            int port = target.getPort() > 0 ? target.getPort() : tunnel ? 443 : 80;
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress(address, port), connectTimeoutMillis);
                client.setSoTimeout(0);
                if (tunnel) {
                    out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    pipeBothWays(client, upstream, null);
                } else {
                    upstream.getOutputStream().write(request.forwarded(originForm(target)));
                    upstream.getOutputStream().flush();
                    pipeBothWays(client, upstream, out);
                }
            } catch (IOException e) {
                refuse(out, 502, ErrorCode.UNAVAILABLE, "cannot connect to " + target.getHost() + ":" + port + ": " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("egress proxy connection ended: %s", e.toString());
        }
    }

    /**
     * Relays bytes both ways until either side closes, then closes both. For plain HTTP the response
     * head is rewritten to {@code Connection: close}, so the client never reuses the connection.
     */
    private static void pipeBothWays(Socket client, Socket upstream, OutputStream rewriteHeadTo) throws IOException {
        Thread up = Thread.ofVirtual().start(() -> relay(client, upstream));
        try {
            InputStream fromUpstream = upstream.getInputStream();
            if (rewriteHeadTo != null) {
                Head response;
                try {
                    response = Head.read(fromUpstream);
                } catch (HeadTooLarge e) {
                    refuse(rewriteHeadTo, 502, ErrorCode.TOO_LARGE, "response headers " + e.getMessage());
                    return;
                }
                if (response == null) {
                    return;
                }
                rewriteHeadTo.write(response.forwarded(response.firstLine()));
            }
            fromUpstream.transferTo(client.getOutputStream());
        } finally {
            upstream.close();
            client.close();
            up.interrupt();
        }
    }

    /** Client to upstream; when the client is done (or gone), so is the exchange. */
    private static void relay(Socket client, Socket upstream) {
        try {
            client.getInputStream().transferTo(upstream.getOutputStream());
        } catch (IOException e) {
            // either side closed
        } finally {
            try {
                upstream.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    private static String originForm(URI target) {
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        return "GET " + path + (target.getRawQuery() != null ? "?" + target.getRawQuery() : "") + " HTTP/1.1";
    }

    private static void refuse(OutputStream out, int status, ErrorCode code, String reason) throws IOException {
        String value = code.name() + ": " + reason.replaceAll("[\r\n]", " ");
        byte[] body = value.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " Refused\r\n" + REFUSED_HEADER + ": " + value + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.flush();
    }

    private static final class HeadTooLarge extends IOException {
        HeadTooLarge() {
            super("larger than " + MAX_HEAD_BYTES + " bytes");
        }
    }

    /** An HTTP message head: its first line and its header lines, at most {@value #MAX_HEAD_BYTES} bytes. */
    private record Head(String firstLine, List<String> headers) {

        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int state = 0; // counts the bytes of a CRLFCRLF seen so far
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                if (bytes.size() >= MAX_HEAD_BYTES) {
                    throw new HeadTooLarge();
                }
                bytes.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : b == '\r' ? 1 : 0;
            }
            List<String> lines = List.of(bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n"));
            return new Head(lines.get(0), lines.subList(1, lines.size()));
        }

        /** The head with {@code firstLine}, without hop-by-hop headers, and with {@code Connection: close}. */
        byte[] forwarded(String newFirstLine) {
            StringBuilder out = new StringBuilder(newFirstLine).append("\r\n");
            for (String header : headers) {
                int colon = header.indexOf(':');
                String name = colon < 0 ? header : header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                if (!header.isEmpty() && !HOP_BY_HOP.contains(name)) {
                    out.append(header).append("\r\n");
                }
            }
            return out.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
