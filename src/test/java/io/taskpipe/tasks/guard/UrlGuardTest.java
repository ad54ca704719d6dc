package io.taskpipe.tasks.guard;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.List;

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
}
