package io.taskpipe.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@EnabledOnOs(OS.LINUX)
class JitCompilersTest {

    @Test
    void countsTheCompilerThreadsOfARunningJvm() {
        assertThat(JitCompilers.cpu(List.of(ProcessHandle.current().pid())))
                .as("a JVM that has started JUnit has compiled for more than a clock tick").isPositive();
    }

    @Test
    void aProcessThatIsGoneCountsNothing() {
        assertThat(JitCompilers.cpu(List.of(Long.MAX_VALUE))).isZero();
    }
}
