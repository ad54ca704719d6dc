package io.taskpipe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.stream.Stream;

/**
 * CPU time the JIT compiler threads of some processes have used, read from Linux's {@code /proc}: HotSpot
 * names them {@code C1 CompilerThread<n>} and {@code C2 CompilerThread<n>}. An arm is only measured once
 * its processes compile little: on a core the pipeline shares, a compiling JVM takes a fifth of it for
 * tens of seconds after its start, and which arm it lands in decides a p99. Zero where {@code /proc} is not.
 */
final class JitCompilers {

    /** Linux's clock ticks per second, in which {@code /proc/.../stat} counts CPU time. */
    private static final long TICKS_PER_SECOND = 100;

    private JitCompilers() {
    }

    /** The compiler threads' CPU time summed over these processes; a process that is gone counts nothing. */
    static Duration cpu(Collection<Long> pids) {
        long ticks = pids.stream().mapToLong(JitCompilers::ticks).sum();
        return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
    }

    private static long ticks(long pid) {
        try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return threads.filter(JitCompilers::compiles).mapToLong(JitCompilers::threadTicks).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean compiles(Path thread) {
        try {
            String name = Files.readString(thread.resolve("comm"));
            return name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler");
        } catch (IOException e) {
            return false;
        }
    }

    /** utime + stime, the 14th and 15th fields of {@code stat}; the name before them may hold spaces. */
    private static long threadTicks(Path thread) {
        try {
            String stat = Files.readString(thread.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
