package io.taskpipe.tasks.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block such as {@code 10.0.0.0/8} or {@code fc00::/7}. */
record Cidr(byte[] network, int prefix) {

    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literalBytes(address);
        int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw new IllegalArgumentException("bad prefix length in " + text);
        }
        return new Cidr(bytes, prefix);
    }

    /** Bytes of a strict dotted-quad IPv4 or an IPv6 literal; never a DNS lookup. */
    private static byte[] literalBytes(String address) {
        if (address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            byte[] bytes = new byte[4];
            String[] parts = address.split("\\.");
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    throw new IllegalArgumentException("not an IP address: " + address);
                }
                bytes[i] = (byte) part;
            }
            return bytes;
        }
        if (address.indexOf(':') >= 0 && address.matches("[0-9a-fA-F:.]+")) {
            try {
                return InetAddress.getByName(address).getAddress(); // a literal: parsed, not looked up
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address: " + address);
            }
        }
        throw new IllegalArgumentException("not an IP address or CIDR: " + address);
    }

    static boolean isLiteral(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByAddress(parse(literal).network());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
