package io.taskpipe.testing;

import io.taskpipe.embedded.LocalProcesses;
import io.taskpipe.embedded.SingleNode;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node KRaft broker in this JVM that trusts no one by default, as a production cluster should:
 * clients connect over SASL_SSL and authenticate with SCRAM-SHA-512; every request is authorized by
 * Kafka's {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}.
 *
 * <p>The broker talks to its own controller and to itself over two more listeners, TLS with client
 * certificates: SCRAM cannot authenticate the controller channel (the credentials live in the metadata
 * the controller serves). Its certificate's subject is the super user, and so is the test's
 * administrator, who connects with the same certificate.
 */
public final class SecureKafka implements AutoCloseable {

    public static final String SCRAM = "SCRAM-SHA-512";
    private static final String SUPER_USER = "User:" + SelfSignedTls.SUBJECT;

    private final Path dataDir;
    private final SelfSignedTls tls;
    private final int clientPort = LocalProcesses.freePort();
    private final int internalPort = LocalProcesses.freePort();
    private final int controllerPort = LocalProcesses.freePort();
    private final KafkaRaftServer server;

    private SecureKafka(Path dataDir) {
        this.dataDir = dataDir;
        this.tls = SelfSignedTls.generate(dataDir);
        KafkaConfig config = new KafkaConfig(brokerProperties(), false);
        SingleNode.format(dataDir, Uuid.randomUuid().toString());
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    public static SecureKafka start() {
        try {
            return new SecureKafka(Files.createTempDirectory("taskpipe-secure-kafka-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where clients connect (SASL_SSL). */
    public String bootstrapServers() {
        return "localhost:" + clientPort;
    }

    public SelfSignedTls tls() {
        return tls;
    }

    /** Settings of the super user's admin client: TLS with the broker's certificate, on the internal listener. */
    public Map<String, Object> superUser() {
        Map<String, Object> settings = new HashMap<>(trust());
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + internalPort);
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        settings.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.keyStore().toString());
        settings.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        settings.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, tls.password());
        return settings;
    }

    /** Client settings of a SCRAM user on the client listener: what a taskpipe process gets as {@code kafka.*}. */
    public Map<String, Object> user(String name, String password) {
        Map<String, Object> settings = new HashMap<>(trust());
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        settings.put(SaslConfigs.SASL_MECHANISM, SCRAM);
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + name + "\" password=\"" + password + "\";");
        return settings;
    }

    /** The trust store that holds the broker's self-signed certificate. */
    public Map<String, Object> trust() {
        return Map.of(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.trustStore().toString(),
                SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12",
                SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.password());
    }

    /** Creates (or replaces) a SCRAM-SHA-512 user. */
    public void addUser(Admin admin, String name, String password) throws Exception {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(30, TimeUnit.SECONDS);
    }

    private Map<String, Object> brokerProperties() {
        Map<String, Object> props = SingleNode.settings(dataDir, controllerPort);
        // few partitions for the internal topics (created on first use); topics are the operator's, as on a
        // cluster with ACLs
        props.putAll(SingleNode.parse("""
                listeners=SASL_SSL://localhost:%1$d,INTERNAL://localhost:%2$d,CONTROLLER://localhost:%3$d
                advertised.listeners=SASL_SSL://localhost:%1$d,INTERNAL://localhost:%2$d
                listener.security.protocol.map=SASL_SSL:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL
                inter.broker.listener.name=INTERNAL
                sasl.enabled.mechanisms=%4$s
                listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
                listener.name.internal.ssl.client.auth=required
                listener.name.controller.ssl.client.auth=required
                ssl.keystore.location=%5$s
                ssl.keystore.type=PKCS12
                ssl.keystore.password=%7$s
                ssl.truststore.location=%6$s
                ssl.truststore.type=PKCS12
                ssl.truststore.password=%7$s
                authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
                allow.everyone.if.no.acl.found=false
                super.users=%8$s
                offsets.topic.num.partitions=2
                transaction.state.log.num.partitions=2
                auto.create.topics.enable=false
                """.formatted(clientPort, internalPort, controllerPort, SCRAM, tls.keyStore(), tls.trustStore(), tls.password(), SUPER_USER)));
        return props;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
