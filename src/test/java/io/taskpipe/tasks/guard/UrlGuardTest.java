package io.taskpipe.tasks.guard;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.taskpipe.config.SettingsCheck;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UrlGuardTest {

    private final UrlGuard strict = new UrlGuard(List.of(), false);

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/", "http://127.1/", "http://localhost/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
            "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://10.1.2.3/", "http://172.16.0.1/",
            "http://192.168.1.1/", "http://100.64.0.1/", "http://[fd00::1]/", "http://[fe80::1]/",
            "http://[::127.0.0.1]/", "http://allowed@127.0.0.1/", "ftp://example.com/", "file:///etc/passwd",
            "gopher://127.0.0.1:25/", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f000001/", "http://127.000.000.001/"})
    void refusesPrivateLoopbackMetadataAndOtherSchemes(String url) {
        assertThatThrownBy(() -> strict.check(URI.create(url)))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_URL));
    }

    @Test
    void loopbackOnlyWhenAllowed() {
        UrlGuard local = new UrlGuard(List.of(), true);
        assertThat(local.check(URI.create("http://127.0.0.1:8080/x"))).isNotEmpty();
        assertThatThrownBy(() -> local.check(URI.create("http://10.0.0.1/"))).isInstanceOf(TaskFailure.class);
    }

    @Test
    void anAllowlistRestrictsHostsAndAnAllowedBlockOverridesTheDenylist() {
        UrlGuard guard = new UrlGuard(List.of("10.9.0.0/16", "*.example.internal"), false);
        assertThat(guard.check(URI.create("http://10.9.1.2/"))).isNotEmpty();
        assertThatThrownBy(() -> guard.check(URI.create("http://10.8.1.2/")))
                .hasMessageContaining("a private address");
        assertThatThrownBy(() -> guard.check(URI.create("http://93.184.216.34/")))
                .hasMessageContaining("not on the allowlist");
    }

    @Test
    void theDenylistWinsOverTheAllowlistByNameAndByBlock() {
        UrlGuard guard = new UrlGuard(List.of("10.9.0.0/16"), List.of("10.9.7.0/24", "*.blocked.example"), false);
        assertThat(guard.check(URI.create("http://10.9.1.2/"))).isNotEmpty();
        assertThatThrownBy(() -> guard.check(URI.create("http://10.9.7.7/")))
                .hasMessageContaining("on the denylist");
        assertThatThrownBy(() -> guard.check(URI.create("http://api.blocked.example/")))
                .hasMessageContaining("'api.blocked.example' is on the denylist");
    }

    /** A DNS that answers every name with one public address, so only the lists can refuse. */
    private static final UrlGuard.HostLookup PUBLIC_DNS = host -> new InetAddress[] {InetAddress.getByName("93.184.216.34")};

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1./", "http://localhost./", "http://127.1./", "http://169.254.169.254./",
            "http://0x7f000001./", "http://localhost../"})
    void aTrailingDotDisguisesNothing(String url) {
        assertThatThrownBy(() -> strict.check(URI.create(url)))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).as(url + ": " + f.getMessage()).isEqualTo(ErrorCode.FORBIDDEN_URL));
    }

    @Test
    void theGuardDropsTheTrailingDotItselfNotOnlyTheUriParser() {
        // java.net.URI finds no host in http://127.0.0.1./ at all; the HTTP client's DNS hook may still be handed one
        assertThatThrownBy(() -> strict.resolveAllowed("127.0.0.1.")).hasMessageContaining("a loopback address");
        assertThatThrownBy(() -> strict.resolveAllowed("[::1].")).isInstanceOf(TaskFailure.class);
        assertThatThrownBy(() -> strict.resolveAllowed("localhost..")).hasMessageContaining("an empty label");
    }

    @Test
    void theDenylistMatchesANameWithOrWithoutItsTrailingDot() {
        UrlGuard guard = new UrlGuard(List.of(), List.of("blocked.example", "*.evil.example", "dotted.example."), false, PUBLIC_DNS);
        assertThat(guard.check(URI.create("http://fine.example./"))).isNotEmpty();
        for (String host : List.of("blocked.example.", "BLOCKED.EXAMPLE.", "api.evil.example.", "dotted.example", "dotted.example.")) {
            assertThatThrownBy(() -> guard.check(URI.create("http://" + host + "/")))
                    .as(host)
                    .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.getMessage()).contains("on the denylist"));
        }
    }

    @Test
    void theAllowlistMatchesANameWithOrWithoutItsTrailingDot() {
        UrlGuard guard = new UrlGuard(List.of("api.example.com", "*.example.org", "dotted.example.net."), List.of(), false, PUBLIC_DNS);
        for (String host : List.of("api.example.com", "api.example.com.", "www.example.org.", "dotted.example.net", "dotted.example.net.")) {
            assertThat(guard.check(URI.create("http://" + host + "/"))).as(host).isNotEmpty();
        }
        assertThatThrownBy(() -> guard.check(URI.create("http://other.example.com./")))
                .hasMessageContaining("not on the allowlist");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // SIIT (IPv4-translated, ::ffff:0:a.b.c.d): loopback, metadata, private
            "http://[::ffff:0:7f00:1]/", "http://[::ffff:0:169.254.169.254]/", "http://[::ffff:0:10.0.0.1]/",
            // NAT64, well-known prefix 64:ff9b::/96: loopback, metadata
            "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::169.254.169.254]/",
            // NAT64 local-use 64:ff9b:1::/48, here with the /48 layout (127.0.0.1 in bits 48-88), a public address in the last 32 bits
            "http://[64:ff9b:1:7f00:0:100:5db8:d822]/",
            // 6to4 (2002::/16, the IPv4 in bits 16-48): loopback, metadata and even a public address
            "http://[2002:7f00:1::1]/", "http://[2002:a9fe:a9fe::1]/", "http://[2002:5db8:d822::1]/",
            // Teredo (2001::/32): server 65.54.227.120, client 127.0.0.1 (stored XOR 0xffffffff), and a public client
            "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "http://[2001:0:4136:e378:8000:63bf:a247:27dd]/",
            // outside global unicast (2000::/3): IPv4-compatible forms the JDK leaves alone, discard-only, the rest of 64:ff9b::/32
            "http://[::2]/", "http://[100::1]/", "http://[64:ff9b:0:0:1::7f00:1]/"})
    void ipv4CarriedInIpv6IsRefusedAsForbiddenNotLeftToFailAsTransient(String url) {
        assertThatThrownBy(() -> strict.check(URI.create(url)))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.code()).as(url + ": " + f.getMessage()).isEqualTo(ErrorCode.FORBIDDEN_URL);
                    assertThat(f.isTransient()).isFalse();
                });
    }

    @Test
    void publicIpv6AndNat64OfAPublicAddressPass() {
        assertThat(strict.check(URI.create("http://[2606:2800:220:1:248:1893:25c8:1946]/"))).isNotEmpty();
        assertThat(strict.check(URI.create("http://[64:ff9b::93.184.216.34]/"))).isNotEmpty();
    }

    @Test
    void theListsJudgeAnEmbeddedIpv4AsThatAddress() {
        UrlGuard denying = new UrlGuard(List.of(), List.of("93.184.216.0/24"), false);
        for (String host : List.of("[64:ff9b::93.184.216.34]", "[::ffff:0:93.184.216.34]")) {
            assertThatThrownBy(() -> denying.check(URI.create("http://" + host + "/"))).as(host).hasMessageContaining("on the denylist");
        }
        UrlGuard allowing = new UrlGuard(List.of("10.9.0.0/16"), false);
        assertThat(allowing.check(URI.create("http://[64:ff9b::10.9.1.2]/"))).isNotEmpty();
        assertThatThrownBy(() -> allowing.check(URI.create("http://[64:ff9b::10.8.1.2]/"))).hasMessageContaining("a private address");
    }

    @Test
    void sixToFourAndTeredoPassOnlyWhenTheirBlockIsAllowListed() {
        UrlGuard guard = new UrlGuard(List.of("2002:5db8:d822::/48"), false);
        assertThat(guard.check(URI.create("http://[2002:5db8:d822::1]/"))).isNotEmpty();
        assertThatThrownBy(() -> guard.check(URI.create("http://[2002:7f00:1::1]/"))).hasMessageContaining("6to4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0/0", "::/0", "10.0.0.0/7", "0.0.0.0/1", "2000::/3", "fc00::/7", "10.0.0.0/33", "10.0.0.0/x"})
    void anAllowlistBlockSoWideItLiftsTheDenialsWholesaleStopsTheStart(String block) {
        assertThat(UrlGuard.settingsProblems(List.of("api.example.com", block), List.of()))
                .singleElement().asString().contains("taskpipe.urls.allow-hosts", block);
        assertThatThrownBy(() -> new UrlGuard(List.of(block), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(block);
    }

    @Test
    void narrowerAllowlistBlocksAreFine() {
        assertThat(UrlGuard.settingsProblems(List.of("10.0.0.0/8", "10.9.0.0/16", "2001:db8::/16", "fd12:3456::/32", "127.0.0.2", "*.example.com"), List.of("10.0.0.0/8", "0.0.0.0/0")))
                .isEmpty();
    }

    @Test
    void aDenylistEntryThatLooksLikeABlockButIsNoneStopsTheStart() {
        // read as a host name it would deny nothing
        assertThat(UrlGuard.settingsProblems(List.of(), List.of("10.0.0.0/33")))
                .singleElement().asString().contains("taskpipe.urls.deny-hosts", "10.0.0.0/33", "not a CIDR");
    }

    @Test
    void theStartCheckNamesAnAllowlistThatLiftsEveryDenial() {
        SmallRyeConfig settings = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(Path.class, 100, Path::of)
                .withMapping(TaskpipeConfig.class)
                .withSources(new PropertiesConfigSource(Map.of("taskpipe.urls.allow-hosts", "api.example.com,::/0"), "test", 300))
                .build();
        TaskpipeConfig config = settings.getConfigMapping(TaskpipeConfig.class);
        // what Lifecycle runs before anything starts
        assertThatThrownBy(() -> SettingsCheck.verify(config, UrlGuard.settingsProblems(config.urls())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("taskpipe cannot start with these settings")
                .hasMessageContaining("taskpipe.urls.allow-hosts entry '::/0' is wider than /16");
    }
}
