package io.taskpipe.tasks.guard;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Which addresses are not public, and how an IPv6 address that carries an IPv4 address is judged.
 *
 * <p>Where an IPv6 form puts its IPv4 address in the last 32 bits and a packet sent to it ends at that
 * IPv4 address (IPv4-mapped and -compatible, SIIT's IPv4-translated {@code ::ffff:0:a.b.c.d}, NAT64's
 * well-known prefix {@code 64:ff9b::/96}), the address is judged as the IPv4 address by every rule.
 * The forms whose IPv4 address sits elsewhere or is not the only one involved are refused whole:
 * 6to4 ({@code 2002::/16}) and Teredo ({@code 2001::/32}) are deprecated tunnels that no public service
 * needs, and decoding them right (Teredo's server address, its client address stored inverted) would
 * be one more place to get wrong; NAT64's local-use {@code 64:ff9b:1::/48} places the IPv4 address
 * where the operator's prefix length says, and its translator is by definition in our own network.
 * An allowlisted CIDR covering such an address lets it through. Everything else outside global
 * unicast ({@code 2000::/3}) is refused as not public.
 */
final class AddressRules {

    /** Blocks that are never fetched unless explicitly allowed, with the reason given. */
    private static final List<Denied> DENIED = List.of(
            new Denied(Cidr.parse("0.0.0.0/8"), "an unspecified (\"this network\") address"),
            new Denied(Cidr.parse("10.0.0.0/8"), "a private address"),
            new Denied(Cidr.parse("100.64.0.0/10"), "a carrier-grade NAT address"),
            new Denied(Cidr.parse("127.0.0.0/8"), "a loopback address"),
            new Denied(Cidr.parse("169.254.0.0/16"), "a link-local address (cloud metadata lives here)"),
            new Denied(Cidr.parse("172.16.0.0/12"), "a private address"),
            new Denied(Cidr.parse("192.0.0.0/24"), "an IETF protocol assignment address"),
            new Denied(Cidr.parse("192.168.0.0/16"), "a private address"),
            new Denied(Cidr.parse("198.18.0.0/15"), "a benchmarking address"),
            new Denied(Cidr.parse("224.0.0.0/4"), "a multicast address"),
            new Denied(Cidr.parse("240.0.0.0/4"), "a reserved address"),
            new Denied(Cidr.parse("::/128"), "an unspecified address"),
            new Denied(Cidr.parse("::1/128"), "a loopback address"),
            new Denied(Cidr.parse("2001::/32"), "a Teredo address (2001::/32), refused whatever IPv4 addresses it carries"),
            new Denied(Cidr.parse("2002::/16"), "a 6to4 address (2002::/16), refused whatever IPv4 address it carries"),
            new Denied(Cidr.parse("64:ff9b:1::/48"), "a local-use NAT64 address (64:ff9b:1::/48): its translator is in our own network"),
            new Denied(Cidr.parse("fc00::/7"), "a unique-local address"),
            new Denied(Cidr.parse("fe80::/10"), "a link-local address"),
            new Denied(Cidr.parse("fec0::/10"), "a site-local address"),
            new Denied(Cidr.parse("ff00::/8"), "a multicast address"));

    /**
     * IPv6 blocks whose last 32 bits are the IPv4 address a packet is delivered to. IPv4-mapped
     * {@code ::ffff:a.b.c.d} is not among them: the JDK turns those into IPv4 addresses itself.
     */
    private static final List<Cidr> CARRIERS = List.of(
            Cidr.parse("::/96"),             // IPv4-compatible (deprecated)
            Cidr.parse("::ffff:0:0:0/96"),   // SIIT, IPv4-translated
            Cidr.parse("64:ff9b::/96"));     // NAT64, well-known prefix

    /** :: and ::1 lie in ::/96 but are IPv6's own unspecified and loopback addresses. */
    private static final Cidr OWN_SPECIAL = Cidr.parse("::/127");
    private static final Cidr GLOBAL_UNICAST = Cidr.parse("2000::/3");

    private AddressRules() {
    }

    /** The IPv4 address an IPv6 address carries to (see the class comment), or the address itself. */
    static InetAddress judged(InetAddress address) {
        if (!(address instanceof Inet6Address) || OWN_SPECIAL.contains(address)
                || CARRIERS.stream().noneMatch(carrier -> carrier.contains(address))) {
            return address;
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(address.getAddress(), 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    /** Why a (judged) address is not public, or null when it is. */
    static String deniedReason(InetAddress judged) {
        for (Denied denied : DENIED) {
            if (denied.block().contains(judged)) {
                return denied.reason();
            }
        }
        if (judged instanceof Inet6Address && !GLOBAL_UNICAST.contains(judged)) {
            return "not a global unicast address (outside 2000::/3)";
        }
        return null;
    }

    private record Denied(Cidr block, String reason) {
    }
}
