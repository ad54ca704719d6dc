package io.taskpipe.access;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.taskpipe.config.ApiKeyConfig;
import io.taskpipe.config.ApiRole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configured API keys, looked up by the SHA-256 of what a caller presents. Keys are random secrets
 * (32 bytes or more), so a plain hash is enough: unlike a password, a key cannot be guessed from a list,
 * and a table lookup by hash tells a timing attacker nothing about any key.
 */
final class ApiKeys {

    /** Who every caller is when no key is configured: the all-in-one mode on loopback. */
    static final SecurityIdentity LOCAL = identity("local", EnumSet.allOf(ApiRole.class));

    private final Map<String, SecurityIdentity> byHash;

    ApiKeys(Map<String, ApiKeyConfig> keys) {
        this.byHash = keys.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                entry -> entry.getValue().sha256().toLowerCase(Locale.ROOT),
                entry -> identity(entry.getKey(), entry.getValue().roles())));
    }

    boolean none() {
        return byHash.isEmpty();
    }

    /** The principal whose key this is, if any. */
    Optional<SecurityIdentity> identify(String key) {
        return Optional.ofNullable(byHash.get(sha256(key)));
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static SecurityIdentity identity(String name, Set<ApiRole> roles) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name));
        roles.forEach(role -> builder.addRole(role.role()));
        return builder.build();
    }
}
