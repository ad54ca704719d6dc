package io.taskpipe.topology;

import io.taskpipe.embedded.LocalProcesses;
import io.taskpipe.testing.IdentityProvider;
import io.taskpipe.testing.KafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who may submit and read, on a dispatcher and a cpu-worker started from the jar with API keys read from
 * a file (as a Kubernetes Secret mounts them): every refusal of the task API by status, a principal's
 * results kept from others, its ids kept from others; a cpu-worker serving no task API; a second
 * dispatcher that also trusts an identity provider's tokens; and the all-in-one mode listening on
 * loopback only, its broker and its cpu-worker child too.
 */
class AccessIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Principal, key, roles. */
    private static final String[][] PRINCIPALS = {
            {"alice", "alice-key-0123456789abcdef0123456789abcdef", "submit,read"},
            {"bob", "bob-key-0123456789abcdef0123456789abcdef01", "submit,read"},
            {"sender", "sender-key-0123456789abcdef0123456789abcd", "submit"},
            {"auditor", "auditor-key-0123456789abcdef0123456789ab", "read"},
            {"root", "root-key-0123456789abcdef0123456789abcdef0", "admin"}};

    private static Topology topology;
    private static AppProcess dispatcher;
    private static AppProcess worker;
    private static IdentityProvider issuer;
    private static AppProcess withTokens;

    @BeforeAll
    static void deploy(@TempDir Path dir) throws IOException {
        StringBuilder keys = new StringBuilder();
        for (String[] principal : PRINCIPALS) {
            keys.append("taskpipe.api.keys.").append(principal[0]).append(".sha256=").append(sha256(principal[1])).append('\n')
                    .append("taskpipe.api.keys.").append(principal[0]).append(".roles=").append(principal[2]).append('\n');
        }
        Path file = Files.writeString(dir.resolve("keys.properties"), keys);
        topology = new Topology("access", KafkaBroker.broker().bootstrapServers(), KafkaBroker.filesDir())
                .with("taskpipe.api.insecure", "false")
                .with("quarkus.config.locations", file.toUri().toString());
        Topology.Deployment deployment = topology.deploy("dispatcher", "worker");
        dispatcher = deployment.dispatcher();
        worker = deployment.workers().getFirst();
        issuer = new IdentityProvider();
        withTokens = topology.with("quarkus.oidc.tenant-enabled", "true")
                .with("quarkus.oidc.auth-server-url", issuer.issuer())
                .with("quarkus.oidc.client-id", "taskpipe")
                .dispatcher("dispatcher-oidc");
    }

    @AfterAll
    static void stop() {
        if (topology != null) {
            topology.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    @Test
    void anIdentityProvidersTokensCarryTheirRolesBesideTheKeys() {
        String carol = "Bearer " + issuer.token("carol", List.of("submit", "read"));
        String dave = "Bearer " + issuer.token("dave", List.of("read"));
        String task = id("carol-1");
        assertThat(call(withTokens, "POST", "/tasks", carol, sleep(task)).statusCode()).isEqualTo(202);
        await(task).atMost(Duration.ofSeconds(60))
                .until(() -> call(withTokens, "GET", "/tasks/" + task, carol, null).statusCode() == 200);
        assertThat(call(withTokens, "GET", "/tasks/" + task, dave, null).statusCode()).as("another subject's result").isEqualTo(404);
        assertThat(call(withTokens, "POST", "/tasks", dave, sleep(id("dave-1"))).statusCode()).as("read only").isEqualTo(403);
        assertThat(call(withTokens, "POST", "/tasks", bearer("alice"), sleep(id("alice-beside-tokens"))).statusCode())
                .as("a key beside the tokens").isEqualTo(202);
        assertThat(call(withTokens, "POST", "/tasks", "Bearer " + issuer.forged("carol", List.of("admin")), sleep(id("forged"))).statusCode())
                .as("signed by a key the issuer never published").isEqualTo(401);
        assertThat(call(withTokens, "POST", "/tasks", "Bearer " + issuer.expired("carol", List.of("submit")), sleep(id("expired"))).statusCode())
                .as("expired").isEqualTo(401);
        assertThat(call(withTokens, "POST", "/tasks", "Bearer not-a-key-nor-a-token", sleep(id("neither"))).statusCode()).isEqualTo(401);
        assertThat(call(withTokens, "POST", "/tasks", null, sleep(id("anonymous"))).statusCode()).isEqualTo(401);
    }

    @Test
    void withoutAValidKeyOnlyTheProbesAnswer() {
        assertThat(call(dispatcher, "GET", "/q/health/ready", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = call(dispatcher, "POST", "/tasks", null, sleep("anon-1"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"taskpipe\"");
        for (String path : List.of("/tasks/anon-1", "/types", "/dashboard/state", "/dashboard/events", "/q/metrics", "/q/unknown")) {
            assertThat(call(dispatcher, "GET", path, null, null).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(call(dispatcher, "POST", "/tasks", "Bearer not-a-key", sleep("anon-2")).statusCode()).isEqualTo(401);
        assertThat(call(dispatcher, "POST", "/tasks", "Bearer " + key("alice") + "x", sleep("anon-3")).statusCode()).isEqualTo(401);
        assertThat(call(dispatcher, "POST", "/tasks", "Basic " + key("alice"), sleep("anon-4")).statusCode()).isEqualTo(401);
    }

    @Test
    void eachRoleDoesItsJobAndNoMore() {
        assertThat(call(dispatcher, "POST", "/tasks", bearer("auditor"), sleep(id("auditor-1"))).statusCode()).as("read only").isEqualTo(403);
        assertThat(call(dispatcher, "POST", "/tasks", bearer("sender"), sleep(id("sender-1"))).statusCode()).isEqualTo(202);
        assertThat(call(dispatcher, "GET", "/tasks/" + id("sender-1"), bearer("sender"), null).statusCode()).as("submit only").isEqualTo(403);
        assertThat(call(dispatcher, "GET", "/q/metrics", bearer("sender"), null).statusCode()).isEqualTo(403);
        assertThat(call(dispatcher, "GET", "/q/metrics", bearer("auditor"), null).statusCode()).isEqualTo(200);
        assertThat(call(dispatcher, "GET", "/types", bearer("auditor"), null).statusCode()).isEqualTo(200);
        assertThat(call(dispatcher, "GET", "/dashboard/state", bearer("sender"), null).statusCode()).as("submit only").isEqualTo(403);
        assertThat(call(dispatcher, "GET", "/dashboard/state", bearer("auditor"), null).statusCode()).isEqualTo(200);
        for (String page : List.of("/", "/ui/dashboard.js", "/webjars/uplot/dist/uPlot.iife.min.js")) {
            assertThat(call(dispatcher, "GET", page, null, null).statusCode()).as("the dashboard's page holds no data: " + page).isEqualTo(200);
        }
        assertThat(call(dispatcher, "GET", "/q/metrics", bearer("root"), null).statusCode()).isEqualTo(200);
    }

    @Test
    void aPrincipalReadsItsOwnResultsOnBothLanesAndNobodyElsesButAnAdminReadsAll() {
        String io = id("alice-io");
        String cpu = id("alice-cpu");
        String batch = "[" + sleep(io) + ",{\"id\":\"" + cpu + "\",\"type\":\"compute.sum\",\"params\":{\"n\":1000}}]";
        assertThat(call(dispatcher, "POST", "/tasks", bearer("alice"), batch).statusCode()).isEqualTo(202);
        for (String task : List.of(io, cpu)) {
            await(task).atMost(Duration.ofSeconds(60))
                    .until(() -> call(dispatcher, "GET", "/tasks/" + task, bearer("alice"), null).statusCode() == 200);
            assertThat(call(dispatcher, "GET", "/tasks/" + task, bearer("alice"), null).body()).contains("\"SUCCEEDED\"");
            HttpResponse<String> other = call(dispatcher, "GET", "/tasks/" + task, bearer("bob"), null);
            assertThat(other.statusCode()).as("bob reads alice's " + task).isEqualTo(404);
            assertThat(other.body()).doesNotContain("SUCCEEDED");
            assertThat(call(dispatcher, "GET", "/tasks/" + task, bearer("auditor"), null).statusCode()).isEqualTo(404);
            assertThat(call(dispatcher, "GET", "/tasks/" + task, bearer("root"), null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anIdInUseByAnotherPrincipalIsRefusedAndTheBatchWithIt() {
        String taken = id("taken");
        String fresh = id("fresh");
        assertThat(call(dispatcher, "POST", "/tasks", bearer("alice"), sleep(taken)).statusCode()).isEqualTo(202);
        HttpResponse<String> reuse = call(dispatcher, "POST", "/tasks", bearer("bob"), "[" + sleep(fresh) + "," + sleep(taken) + "]");
        assertThat(reuse.statusCode()).isEqualTo(409);
        assertThat(reuse.body()).contains(taken).doesNotContain(fresh);
        assertThat(call(dispatcher, "POST", "/tasks", bearer("alice"), sleep(taken)).statusCode()).as("alice may resend hers").isEqualTo(202);
        assertThat(call(dispatcher, "POST", "/tasks", bearer("bob"), sleep(fresh)).statusCode())
                .as("the refused batch left no claim on its other id").isEqualTo(202);
        await(fresh).atMost(Duration.ofSeconds(60))
                .until(() -> call(dispatcher, "GET", "/tasks/" + fresh, bearer("bob"), null).statusCode() == 200);
        assertThat(call(dispatcher, "GET", "/tasks/" + taken, bearer("bob"), null).statusCode()).isEqualTo(404);
    }

    @Test
    void aCpuWorkerServesNoTaskApi() {
        assertThat(call(worker, "GET", "/q/health/ready", null, null).statusCode()).isEqualTo(200);
        for (String principal : List.of("alice", "root")) {
            assertThat(call(worker, "POST", "/tasks", bearer(principal), sleep(id("worker-" + principal))).statusCode()).isEqualTo(403);
            assertThat(call(worker, "GET", "/tasks/x", bearer(principal), null).statusCode()).isEqualTo(403);
            assertThat(call(worker, "GET", "/dashboard/state", bearer(principal), null).statusCode()).isEqualTo(403);
        }
        assertThat(call(worker, "GET", "/q/metrics", bearer("auditor"), null).statusCode()).isEqualTo(200);
    }

    @Test
    void theAllInOneModeListensOnLoopbackOnly(@TempDir Path dir) throws IOException {
        AppProcess allInOne = AppProcess.of("access-all-in-one", "prod", Map.of(
                "taskpipe.embedded.port", Integer.toString(LocalProcesses.freePort()),
                "taskpipe.embedded.data-dir", dir.resolve("kafka").toString(),
                "taskpipe.files.base-dir", KafkaBroker.filesDir().toString()), List.of(), Topology.LOGS);
        try {
            allInOne.start();
            ProcessHandle parent = ProcessHandle.of(allInOne.pid()).orElseThrow();
            await("the HTTP port and the broker's two ports, and the cpu-worker child's HTTP port").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> {
                        ProcessHandle child = parent.children().findAny().orElseThrow();
                        assertThat(Listening.addresses(parent.pid())).hasSizeGreaterThanOrEqualTo(3);
                        assertThat(Listening.addresses(child.pid())).isNotEmpty();
                    });
            List<String> listening = new ArrayList<>(Listening.addresses(parent.pid()));
            for (ProcessHandle child : parent.children().toList()) {
                listening.addAll(Listening.addresses(child.pid()));
            }
            assertThat(listening).allMatch(Listening::loopback, "on loopback");
        } finally {
            allInOne.terminate(Duration.ofSeconds(60));
        }
    }

    /** The addresses a process listens on, read from {@code /proc}: its sockets' inodes matched in the kernel's TCP tables. */
    private static final class Listening {

        static List<String> addresses(long pid) throws IOException {
            Set<String> inodes;
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                inodes = fds.map(Listening::target).filter(target -> target.startsWith("socket:["))
                        .map(target -> target.substring(8, target.length() - 1)).collect(Collectors.toSet());
            }
            List<String> addresses = new ArrayList<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields[3].equals("0A") && inodes.contains(fields[9])) { // 0A: LISTEN
                        addresses.add(fields[1].substring(0, fields[1].indexOf(':')));
                    }
                }
            }
            return addresses;
        }

        /** 127.0.0.0/8 as the kernel writes it (little-endian hex), or ::1, or 127.x mapped into IPv6. */
        static boolean loopback(String hex) {
            return hex.length() == 8 ? hex.endsWith("7F")
                    : hex.equals("00000000000000000000000001000000") || hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F");
        }

        private static String target(Path fd) {
            try {
                return Files.readSymbolicLink(fd).toString();
            } catch (IOException e) {
                return ""; // closed meanwhile
            }
        }
    }

    private static String id(String name) {
        return topology.idPrefix() + name;
    }

    private static String sleep(String id) {
        return "{\"id\":\"" + id + "\",\"type\":\"io.sleep\",\"params\":{\"millis\":0}}";
    }

    private static String key(String principal) {
        for (String[] entry : PRINCIPALS) {
            if (entry[0].equals(principal)) {
                return entry[1];
            }
        }
        throw new IllegalArgumentException(principal);
    }

    private static String bearer(String principal) {
        return "Bearer " + key(principal);
    }

    private static HttpResponse<String> call(AppProcess process, String method, String path, String authorization, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(process.uri(path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
