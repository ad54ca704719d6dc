package io.taskpipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost}, made by the JDK's own {@code keytool} (no library,
 * no file checked in): a PKCS12 key store holding the key and certificate, and a trust store holding the
 * certificate, both under one random password.
 */
public record SelfSignedTls(Path keyStore, Path trustStore, String password) {

    /** The certificate's subject, which is also the principal of whoever presents it on a listener asking for client certificates. */
    public static final String SUBJECT = "CN=localhost";

    /** Generates the stores in {@code dir}. */
    public static SelfSignedTls generate(Path dir) {
        SelfSignedTls tls = new SelfSignedTls(dir.resolve("localhost.p12"), dir.resolve("truststore.p12"),
                UUID.randomUUID().toString());
        Path certificate = dir.resolve("localhost.pem");
        // EC keys: generated in milliseconds, where RSA takes a second on a busy machine
        keytool("-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", SUBJECT,
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", tls.keyStore.toString(), "-storepass", tls.password, "-keypass", tls.password);
        keytool("-exportcert", "-rfc", "-alias", "localhost", "-keystore", tls.keyStore.toString(), "-storepass", tls.password,
                "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "localhost", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", tls.trustStore.toString(), "-storepass", tls.password);
        return tls;
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
