package io.taskpipe.cli;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.taskpipe.check.CheckCommand;
import io.taskpipe.load.Scenario;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One duration syntax: a command option, a scenario file and a {@code taskpipe.*} setting read the same
 * text as the same duration (Quarkus's {@link DurationConverter} reads all three), and refuse the same
 * text, the tools with a message that names the forms.
 */
class DurationsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "' 30s ', PT30S",
            "1.5s, PT1.5S",
            "2m, PT2M",
            "1h, PT1H",
            "1d, PT24H",
            "45, PT45S",
            "PT1M30S, PT1M30S",
            "1m30s, PT1M30S"})
    void theCommandsScenarioFilesAndSettingsReadTheSameForms(String text, Duration expected) throws IOException {
        assertThat(option(text)).as("check --settle " + text).isEqualTo(expected);
        assertThat(scenarioDuration(text)).as("a scenario's duration: " + text).isEqualTo(expected);
        assertThat(setting(text)).as("taskpipe.lanes.shutdown-grace=" + text).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5m", "0.5h", "2 m", "5 seconds", "soon"})
    void formsSettingsRefuseAreRefusedByTheToolsWithTheFormsNamed(String text) {
        assertThatThrownBy(() -> setting(text)).as("taskpipe.lanes.shutdown-grace=" + text).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> option(text)).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("Invalid value for option '--settle': '" + text + "' is not a duration: " + Durations.FORMS);
        assertThatThrownBy(() -> scenarioDuration(text)).hasMessageContaining("'" + text + "' is not a duration: " + Durations.FORMS);
    }

    private static Duration option(String text) {
        return new CommandLine(new CheckCommand()).parseArgs("--produced", "run.jsonl", "--settle", text)
                .matchedOptionValue("--settle", null);
    }

    private Duration scenarioDuration(String text) throws IOException {
        Path file = Files.writeString(dir.resolve("scenario.yaml"),
                "phases:\n  - {rate: 10, duration: \"" + text + "\"}\nmix:\n  - {type: io.sleep}\n");
        return Scenario.load(file).phases().getFirst().duration();
    }

    /** As the application reads its configuration: SmallRye Config with the converters Quarkus registers. */
    private static Duration setting(String text) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDiscoveredConverters()
                .withSources(new PropertiesConfigSource(Map.of("taskpipe.lanes.shutdown-grace", text), "test", 100)).build();
        return config.getValue("taskpipe.lanes.shutdown-grace", Duration.class);
    }
}
