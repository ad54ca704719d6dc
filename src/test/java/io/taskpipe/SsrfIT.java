package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskpipe.testing.Canary;
import io.taskpipe.testing.HttpStub;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Server-side request forgery: url.fetch tasks aimed at loopback, private, link-local and metadata
 * addresses, in every disguise, directly and through redirects. Each must fail with a classified
 * reason while a canary listening on 127.0.0.1 sees no connection at all; valid fetches around them
 * succeed. (The test configuration allows 127.0.0.2 only, where the stub server listens.)
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class SsrfIT {

    @Test
    void everyVectorIsRefusedAndTheCanaryIsNeverReached() throws Exception {
        try (Canary canary = new Canary(); HttpStub stub = new HttpStub(); Pipeline pipeline = new Pipeline()) {
            int p = canary.port();
            stub.on("/ok", exchange -> HttpStub.respond(exchange, 200, "fine"))
                    .on("/to-canary", exchange -> HttpStub.redirect(exchange, "http://127.0.0.1:" + p + "/"))
                    .on("/to-localhost", exchange -> HttpStub.redirect(exchange, "http://localhost:" + p + "/"))
                    .on("/to-metadata", exchange -> HttpStub.redirect(exchange, "http://169.254.169.254/latest/meta-data/"))
                    .on("/to-file", exchange -> HttpStub.redirect(exchange, "file:///etc/passwd"))
                    .on("/to-ipv6-loopback", exchange -> HttpStub.redirect(exchange, "http://[::1]:" + p + "/"))
                    .on("/to-localhost-dot", exchange -> HttpStub.redirect(exchange, "http://localhost.:" + p + "/"))
                    .on("/chain/", exchange -> {
                        int hop = Integer.parseInt(exchange.getRequestURI().getPath().substring("/chain/".length()));
                        HttpStub.redirect(exchange, stub.url("/chain/" + (hop + 1)));
                    });

            List<String> vectors = new ArrayList<>(List.of(
                    // loopback, plain and disguised
                    "http://127.0.0.1:" + p + "/", "http://localhost:" + p + "/", "http://127.1:" + p + "/",
                    "http://0x7f000001:" + p + "/", "http://2130706433:" + p + "/", "http://0177.0.0.1:" + p + "/",
                    "http://127.000.000.001:" + p + "/", "http://0x7f.1:" + p + "/", "http://127.0.0.3:" + p + "/",
                    "http://[::1]:" + p + "/", "http://[::ffff:127.0.0.1]:" + p + "/", "http://[0:0:0:0:0:ffff:7f00:1]:" + p + "/",
                    "http://[::ffff:7f00:1]:" + p + "/", "http://[::127.0.0.1]:" + p + "/", "HTTP://127.0.0.1:" + p + "/",
                    // a trailing dot (the DNS root)
                    "http://localhost.:" + p + "/", "http://127.0.0.1.:" + p + "/",
                    // IPv4 carried in IPv6: SIIT, NAT64 (well-known and local-use), 6to4, Teredo (client 127.0.0.1)
                    "http://[::ffff:0:7f00:1]:" + p + "/", "http://[::ffff:0:a9fe:a9fe]/", "http://[64:ff9b::7f00:1]:" + p + "/",
                    "http://[64:ff9b:1:7f00:0:100:5db8:d822]/", "http://[2002:7f00:1::1]:" + p + "/",
                    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:" + p + "/",
                    // unspecified
                    "http://0.0.0.0:" + p + "/", "http://0:" + p + "/", "http://[::]:" + p + "/",
                    // cloud metadata and link-local
                    "http://169.254.169.254/latest/meta-data/", "http://169.254.170.2/v2/credentials", "http://[fd00:ec2::254]/",
                    "http://[fe80::1]/",
                    // private, shared and reserved ranges
                    "http://10.0.0.1/", "http://10.255.255.255/", "http://172.16.0.1/", "http://172.31.255.254/",
                    "http://192.168.0.1/", "http://192.168.1.254:8080/", "http://100.64.0.1/", "http://[fc00::1]/",
                    "http://224.0.0.1/", "http://255.255.255.255/", "http://198.18.0.1/",
                    // user info and fragment tricks
                    "http://allowed@127.0.0.1:" + p + "/", "http://127.0.0.2:80@127.0.0.1:" + p + "/",
                    "http://127.0.0.1:" + p + "#@127.0.0.2/",
                    // schemes other than http and https
                    "ftp://127.0.0.2/", "file:///etc/passwd", "gopher://127.0.0.1:" + p + "/_", "dict://127.0.0.1:" + p + "/",
                    "jar:http://127.0.0.2/x!/",
                    // through redirects from the allowed host
                    stub.url("/to-canary"), stub.url("/to-localhost"), stub.url("/to-metadata"), stub.url("/to-file"),
                    stub.url("/to-ipv6-loopback"), stub.url("/to-localhost-dot"), stub.url("/chain/0")));
            assertThat(vectors).hasSizeGreaterThanOrEqualTo(40);

            Map<String, String> vectorById = new LinkedHashMap<>();
            List<String> valid = new ArrayList<>();
            for (int i = 0; i < vectors.size(); i++) {
                String id = pipeline.id("vector-" + i);
                vectorById.put(id, vectors.get(i));
                pipeline.send(pipeline.task(id, "url.fetch", "url", vectors.get(i)));
                String ok = pipeline.id("valid-" + i);
                valid.add(ok);
                pipeline.send(pipeline.task(ok, "url.fetch", "url", stub.url("/ok")));
            }
            List<String> all = new ArrayList<>(vectorById.keySet());
            all.addAll(valid);
            Map<String, JsonNode> results = pipeline.awaitResults(all, Duration.ofSeconds(60));

            vectorById.forEach((id, url) -> {
                JsonNode result = results.get(id);
                assertThat(result.get("status").asText()).as(url).isEqualTo("FAILED");
                assertThat(result.at("/error/code").asText()).as(url + ": " + result.at("/error/message").asText()).isEqualTo("FORBIDDEN_URL");
                assertThat(result.at("/error/message").asText()).as(url).startsWith("forbidden: ");
                System.out.printf("%-55s %s%n", url, result.at("/error/message").asText());
            });
            assertThat(valid).allSatisfy(id -> assertThat(results.get(id).get("status").asText()).isEqualTo("SUCCEEDED"));
            assertThat(canary.connections()).as("connections that reached the canary").isZero();
            given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        }
    }
}
