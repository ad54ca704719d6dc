package io.taskpipe.access;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.taskpipe.config.TaskpipeConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code Authorization: Bearer <key>} against {@code taskpipe.api.keys}. A request without the header is
 * anonymous (the HTTP permissions in {@code application.properties} then answer {@code 401} wherever a role
 * is needed); a wrong key answers {@code 401} at once, unless an identity provider is configured
 * ({@code quarkus.oidc.tenant-enabled}): then a token that is no key is left to {@code quarkus-oidc},
 * which this mechanism runs before. Without any configured key or provider every caller is
 * {@code local} with every role: the process is then either on loopback or explicitly insecure
 * ({@link io.taskpipe.config.SettingsCheck} refuses anything else).
 */
@ApplicationScoped
public class ApiKeyAuthentication implements HttpAuthenticationMechanism {

    private static final String BEARER = "bearer ";

    private final ApiKeys keys;
    private final boolean identityProvider;

    public ApiKeyAuthentication(TaskpipeConfig config,
                                @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false") boolean identityProvider) {
        this.keys = new ApiKeys(config.api().keys());
        this.identityProvider = identityProvider;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (keys.none() && !identityProvider) {
            return Uni.createFrom().item(ApiKeys.LOCAL);
        }
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Uni.createFrom().nullItem();
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Uni.createFrom().failure(new AuthenticationFailedException("taskpipe accepts only Authorization: Bearer <key>"));
        }
        return keys.identify(header.substring(BEARER.length()).strip())
                .map(identity -> Uni.createFrom().item(identity))
                .orElseGet(() -> identityProvider ? Uni.createFrom().nullItem()
                        : Uni.createFrom().failure(new AuthenticationFailedException("unknown API key")));
    }

    /**
     * Before {@code quarkus-oidc}'s bearer mechanism (mechanisms run highest priority first, and its priority
     * is just above the default), which would refuse a key as a malformed token.
     */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"taskpipe\""));
    }
}
