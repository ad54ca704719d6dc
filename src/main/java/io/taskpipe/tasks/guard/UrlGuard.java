package io.taskpipe.tasks.guard;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.config.UrlsConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides which URLs {@code url.fetch} may reach (OWASP SSRF guidance): http and https only, no user
 * info, the host not on the denylist, every address the host resolves to public unless it lies in an
 * allowed CIDR (or is loopback with {@code allow-loopback}), and the host on the allowlist when one is
 * set. The denylist wins over everything. {@code url.fetch} checks the URL of each request and redirect
 * hop with {@link #checkUrl}; its HTTP client resolves every host it connects to through
 * {@link #resolveAllowed} ({@link GuardedDnsResolver}), so the addresses checked are the ones connected to.
 */
@ApplicationScoped
public class UrlGuard {

    /** The widest allowlisted blocks: see {@link #settingsProblems}. */
    static final int WIDEST_IPV4 = 8;
    static final int WIDEST_IPV6 = 16;

    private static final Pattern AMBIGUOUS_NUMERIC = Pattern.compile("(?i)((0x[0-9a-f]*|[0-9]+)\\.){0,3}(0x[0-9a-f]*|[0-9]+)");
    private static final Pattern CANONICAL_IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private final HostList allowed;
    private final HostList denied;
    private final boolean allowLoopback;
    private final HostLookup lookup;

    @Inject
    public UrlGuard(TaskpipeConfig config) {
        this(config.urls().allowHosts().orElse(List.of()), config.urls().denyHosts().orElse(List.of()), config.urls().allowLoopback());
    }

    public UrlGuard(List<String> allowHosts, boolean allowLoopback) {
        this(allowHosts, List.of(), allowLoopback);
    }

    public UrlGuard(List<String> allowHosts, List<String> denyHosts, boolean allowLoopback) {
        this(allowHosts, denyHosts, allowLoopback, InetAddress::getAllByName);
    }

    /** A guard that resolves names with {@code lookup} (tests stand in for DNS with it). */
    public UrlGuard(List<String> allowHosts, List<String> denyHosts, boolean allowLoopback, HostLookup lookup) {
        List<String> problems = settingsProblems(allowHosts, denyHosts);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        this.allowed = new HostList(allowHosts);
        this.denied = new HostList(denyHosts);
        this.allowLoopback = allowLoopback;
        this.lookup = lookup;
    }

    /** What is wrong with the URL settings, for the start check: see {@link #settingsProblems(List, List)}. */
    public static List<String> settingsProblems(UrlsConfig urls) {
        return settingsProblems(urls.allowHosts().orElse(List.of()), urls.denyHosts().orElse(List.of()));
    }

    /**
     * What is wrong with these lists, for the start check: an entry with a {@code /} that is no CIDR
     * (it would silently count as a host name), and an allowlisted block wider than /{@value #WIDEST_IPV4}
     * (IPv4) or /{@value #WIDEST_IPV6} (IPv6). An allowed block lifts the address denials inside it, so
     * {@code 0.0.0.0/0} or {@code ::/0} would lift them all, loopback and cloud metadata included; the
     * widest denied block that is a single kind of network is a /8, and no deliberate exception needs more.
     */
    public static List<String> settingsProblems(List<String> allowHosts, List<String> denyHosts) {
        List<String> problems = new ArrayList<>();
        for (String entry : allowHosts) {
            HostList.block(entry).ifPresentOrElse(block -> {
                int widest = block.network().length == 4 ? WIDEST_IPV4 : WIDEST_IPV6;
                if (block.prefix() < widest) {
                    problems.add("taskpipe.urls.allow-hosts entry '" + entry.trim() + "' is wider than /" + widest
                            + ": an allowed block lifts the address denials (loopback, private, metadata) for all of it; list the narrower"
                            + " blocks you mean, or leave the allowlist empty to allow every public address");
                }
            }, () -> notACidr(problems, "taskpipe.urls.allow-hosts", entry));
        }
        denyHosts.forEach(entry -> notACidr(problems, "taskpipe.urls.deny-hosts", entry));
        return problems;
    }

    private static void notACidr(List<String> problems, String key, String entry) {
        if (entry.contains("/") && HostList.block(entry).isEmpty()) {
            problems.add(key + " entry '" + entry.trim() + "' is not a CIDR (address/prefix length)");
        }
    }

    /** How a host name becomes addresses: the machine's resolver unless a test says otherwise. */
    @FunctionalInterface
    public interface HostLookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    /** Checks a URL and returns the addresses its host resolves to, all of them allowed. */
    public List<InetAddress> check(URI uri) {
        checkUrl(uri);
        return resolveAllowed(uri.getHost());
    }

    /** Checks what the URL alone tells: http or https, no user info, a host. Its addresses are checked on connecting. */
    public void checkUrl(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw forbidden("url " + uri + ": scheme '" + scheme + "' is not allowed; use http or https");
        }
        if (uri.getRawUserInfo() != null) {
            throw forbidden("url " + uri + ": user info in URLs is not allowed");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw forbidden("url " + uri + ": no host");
        }
    }

    /**
     * Resolves a host and returns its addresses when every one of them may be fetched: the host not
     * on the denylist, no address in a denied block (unless in an allowed one), and the host on the
     * allowlist when there is one. {@code url.fetch}'s HTTP client calls this for every connection it
     * opens, IP literals included, and connects only to the addresses returned.
     */
    public List<InetAddress> resolveAllowed(String rawHost) {
        String host = HostList.canonical(rawHost);
        if (host.isEmpty() || host.startsWith(".") || host.endsWith(".") || host.contains("..")) {
            throw forbidden("host '" + rawHost + "' has an empty label");
        }
        if (AMBIGUOUS_NUMERIC.matcher(host).matches() && !CANONICAL_IPV4.matcher(host).matches()) {
            // 127.1, 2130706433, 0177.0.0.1, 0x7f000001: parsers disagree on these (the JDK reads 0177 as 177)
            throw forbidden("host '" + host + "' is an ambiguous numeric address (short, octal, hex or integer form)");
        }
        if (denied.hasName(host)) {
            throw forbidden("host '" + host + "' is on the denylist (taskpipe.urls.deny-hosts)");
        }
        List<InetAddress> addresses = resolve(host);
        for (InetAddress address : addresses) {
            if (denied.contains(address) || denied.contains(AddressRules.judged(address))) {
                throw forbidden("host '" + host + "' resolves to " + described(address) + ", on the denylist (taskpipe.urls.deny-hosts)");
            }
            String reason = deniedReason(address);
            if (reason != null) {
                throw forbidden("host '" + host + "' resolves to " + described(address) + ", " + reason);
            }
        }
        boolean listed = Cidr.isLiteral(host) ? allows(Cidr.address(host)) : allowed.hasName(host)
                || addresses.stream().allMatch(this::allows);
        if (!allowed.isEmpty() && !listed) {
            throw forbidden("host '" + host + "' is not on the allowlist (taskpipe.urls.allow-hosts)");
        }
        return addresses;
    }

    /** Why an address may not be fetched, or null when it may. */
    String deniedReason(InetAddress address) {
        if (allows(address)) {
            return null;
        }
        InetAddress judged = AddressRules.judged(address);
        if (judged.isLoopbackAddress() && allowLoopback) {
            return null;
        }
        return AddressRules.deniedReason(judged);
    }

    /**
     * Whether an allowed block holds an address; one that carries an IPv4 address counts as that, so
     * allowing {@code 64:ff9b::/96} does not lift the denials of every IPv4 address behind it.
     */
    private boolean allows(InetAddress address) {
        return allowed.contains(AddressRules.judged(address));
    }

    private static String described(InetAddress address) {
        InetAddress judged = AddressRules.judged(address);
        return address.getHostAddress() + (judged == address ? "" : " (which carries " + judged.getHostAddress() + ")");
    }

    private List<InetAddress> resolve(String host) {
        try {
            List<InetAddress> addresses = List.of(lookup.lookup(host));
            if (!addresses.isEmpty()) {
                return addresses;
            }
        } catch (UnknownHostException e) {
            // not found, as below
        }
        throw new TaskFailure(ErrorCode.NOT_FOUND, "cannot resolve host '" + host + "'");
    }

    private static TaskFailure forbidden(String why) {
        return new TaskFailure(ErrorCode.FORBIDDEN_URL, "forbidden: " + why);
    }

}
