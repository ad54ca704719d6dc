package io.taskpipe.config;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;

import java.util.Set;

/** One principal's API key: {@code taskpipe.api.keys."<name>".*}. */
public interface ApiKeyConfig {

    /** The SHA-256 of the key, in hex: {@code printf %s "$key" | sha256sum}. */
    @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be the 64 hex digits of a SHA-256")
    String sha256();

    /** What the principal may do. */
    @NotEmpty
    Set<ApiRole> roles();
}
