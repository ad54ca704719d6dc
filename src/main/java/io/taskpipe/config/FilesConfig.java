package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

import java.nio.file.Path;

/** Where {@code file.*} and {@code compute.thumbnail} tasks may read, and how much disk thumbnails may take. */
public interface FilesConfig {

    /** Directory file paths are relative to; nothing outside it is read. */
    @WithDefault("data")
    Path baseDir();

    /** Largest file read, in bytes. */
    @WithDefault("1073741824")
    @Min(0)
    long maxBytes();

    /**
     * Bytes all thumbnails under the base directory ({@code <name>.thumb-<width>.png}) may take together; a thumbnail
     * that would pass it fails as {@code TOO_LARGE}. Default: 1 GiB.
     */
    @WithDefault("1073741824")
    @Min(0)
    long maxThumbnailBytes();
}
