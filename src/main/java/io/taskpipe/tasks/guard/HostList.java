package io.taskpipe.tasks.guard;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A configured list of hosts: names ({@code api.example.com}, or {@code *.example.com} for its
 * subdomains) and address blocks ({@code 10.9.0.0/16}, {@code 2001:db8::/32}, a single address).
 */
final class HostList {

    private final List<String> names = new ArrayList<>();
    private final List<Cidr> blocks = new ArrayList<>();

    HostList(List<String> entries) {
        for (String entry : entries) {
            String trimmed = entry.trim().toLowerCase(Locale.ROOT);
            if (Cidr.isLiteral(trimmed)) {
                blocks.add(Cidr.parse(trimmed));
            } else if (!trimmed.isEmpty()) {
                names.add(trimmed);
            }
        }
    }

    boolean isEmpty() {
        return names.isEmpty() && blocks.isEmpty();
    }

    /** Whether a (lower-case) host name is listed by name. */
    boolean hasName(String host) {
        for (String name : names) {
            if (host.equals(name) || name.startsWith("*.") && host.endsWith(name.substring(1))) {
                return true;
            }
        }
        return false;
    }

    /** Whether an address lies in a listed block. */
    boolean contains(InetAddress address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }
}
