package io.taskpipe.tasks.guard;

import io.taskpipe.contract.ErrorCode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuardedDnsResolverTest {

    private final GuardedDnsResolver resolver = new GuardedDnsResolver(new UrlGuard(List.of("127.0.0.0/29"), List.of(), false, host -> switch (host) {
        case "two.test" -> new InetAddress[] {InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3")};
        case "private.test" -> new InetAddress[] {InetAddress.getByName("127.0.0.2"), InetAddress.getByName("10.0.0.1")};
        default -> throw new UnknownHostException(host);
    }));

    @Test
    void answersExactlyTheAddressesTheGuardAllowed() throws Exception {
        assertThat(resolver.resolve("two.test")).containsExactly(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"));
    }

    @Test
    void aRefusalOrAFailedLookupComesBackTypedWithItsFailure() {
        assertThatThrownBy(() -> resolver.resolve("private.test"))
                .isInstanceOfSatisfying(HostRefusedException.class, e -> {
                    assertThat(e.failure().code()).isEqualTo(ErrorCode.FORBIDDEN_URL);
                    assertThat(e.failure().getMessage()).contains("10.0.0.1", "a private address");
                });
        assertThatThrownBy(() -> resolver.resolve("nowhere.test"))
                .isInstanceOfSatisfying(HostRefusedException.class, e -> assertThat(e.failure().code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
