package io.taskpipe.tasks.guard;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A configured list of hosts: names ({@code api.example.com}, or {@code *.example.com} for its
 * subdomains) and address blocks ({@code 10.9.0.0/16}, {@code 2001:db8::/32}, a single address).
 */
final class HostList {

    private final List<String> names = new ArrayList<>();
    private final List<Cidr> blocks = new ArrayList<>();

    HostList(List<String> entries) {
        for (String entry : entries) {
            Optional<Cidr> block = block(entry);
            String name = canonical(entry.trim());
            if (block.isPresent()) {
                blocks.add(block.get());
            } else if (!name.isEmpty()) {
                names.add(name);
            }
        }
    }

    /**
     * A host name as the lists compare it: lower case, without IPv6 brackets, and without the trailing
     * dot of a fully qualified name ({@code api.example.com.} is {@code api.example.com}; left on, it
     * would slip past the denylist).
     */
    static String canonical(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** The address block an entry names, if it is one. */
    static Optional<Cidr> block(String entry) {
        String trimmed = entry.trim().toLowerCase(Locale.ROOT);
        return Cidr.isLiteral(trimmed) ? Optional.of(Cidr.parse(trimmed)) : Optional.empty();
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
