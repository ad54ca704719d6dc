package io.taskpipe.tasks.guard;

import io.taskpipe.tasks.TaskFailure;
import org.apache.hc.client5.http.DnsResolver;

import java.net.InetAddress;

/**
 * The DNS hook of {@code url.fetch}'s HTTP client: every connection the client opens resolves its
 * host here, through {@link UrlGuard#resolveAllowed}, and the client connects only to the addresses
 * returned. Resolving, checking and connecting thus use the same addresses, and a DNS answer that
 * changes after the check (DNS rebinding) reaches nothing. HttpClient 5.6 asks this for IP literals
 * too, so a literal is checked like a name ({@code UrlFetchGuardTest} pins that).
 */
public final class GuardedDnsResolver implements DnsResolver {

    private final UrlGuard guard;

    public GuardedDnsResolver(UrlGuard guard) {
        this.guard = guard;
    }

    @Override
    public InetAddress[] resolve(String host) throws HostRefusedException {
        try {
            return guard.resolveAllowed(host).toArray(InetAddress[]::new);
        } catch (TaskFailure refusal) {
            throw new HostRefusedException(host, refusal);
        }
    }

    /** Only Kerberos (SPNEGO) authentication asks for this, and url.fetch does none: no lookup. */
    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }
}
