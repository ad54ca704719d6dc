package io.taskpipe.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A small OpenID Connect issuer on loopback, as far as a resource server sees one: its discovery
 * document and its signing keys (JWKS), and RS256 access tokens it signs for tests. A token of another
 * issuer's key, or one that expired, is what an attacker would present.
 */
public final class IdentityProvider implements AutoCloseable {

    private final HttpServer server;
    private final KeyPair key = rsa();
    private final String issuer;

    public IdentityProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/taskpipe";
        serve("/realms/taskpipe/.well-known/openid-configuration", """
                {"issuer":"%s","jwks_uri":"%s/keys","token_endpoint":"%s/token","authorization_endpoint":"%s/auth",
                 "id_token_signing_alg_values_supported":["RS256"],"response_types_supported":["code"],"subject_types_supported":["public"]}"""
                .formatted(issuer, issuer, issuer, issuer));
        RSAPublicKey publicKey = (RSAPublicKey) key.getPublic();
        serve("/realms/taskpipe/keys", """
                {"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"%s","e":"%s"}]}"""
                .formatted(base64(unsigned(publicKey.getModulus())), base64(unsigned(publicKey.getPublicExponent()))));
        server.start();
    }

    /** What {@code quarkus.oidc.auth-server-url} names. */
    public String issuer() {
        return issuer;
    }

    /** An access token for {@code subject} with these roles (its {@code groups}), valid for ten minutes. */
    public String token(String subject, List<String> roles) {
        return signed(key, subject, roles, Instant.now().plus(Duration.ofMinutes(10)));
    }

    /** The same, but signed by a key this issuer never published. */
    public String forged(String subject, List<String> roles) {
        return signed(rsa(), subject, roles, Instant.now().plus(Duration.ofMinutes(10)));
    }

    /** The same, expired an hour ago. */
    public String expired(String subject, List<String> roles) {
        return signed(key, subject, roles, Instant.now().minus(Duration.ofHours(1)));
    }

    private String signed(KeyPair by, String subject, List<String> roles, Instant expires) {
        String groups = roles.stream().map(role -> '"' + role + '"').collect(Collectors.joining(","));
        String header = base64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
        String claims = base64(("{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject + "\",\"preferred_username\":\"" + subject
                + "\",\"groups\":[" + groups + "],\"iat\":" + (expires.getEpochSecond() - 600) + ",\"exp\":" + expires.getEpochSecond() + "}")
                .getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(by.getPrivate());
            rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + base64(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serve(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
