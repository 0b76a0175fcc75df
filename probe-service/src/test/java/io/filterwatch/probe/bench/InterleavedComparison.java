package io.filterwatch.probe.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two builds of the probe side by side in one JVM, each in its own class loader, running
 * {@link ProbeBenchmark#process} in alternating rounds (384 snapshots at C >= 1024, 7,680 below),
 * timed by the thread's CPU time. On a VM whose speed drifts by tens of percent from minute to
 * minute, rounds a second apart see the same machine, so the per-round ratio is far steadier than
 * separate runs. Each build encodes its own ring from the same seed, in its own format version.
 *
 * <p>Arguments: two files holding a classpath each (baseline first), C, rounds. Prints the median
 * and range of each side and of the per-round ratio (current / baseline).
 */
public final class InterleavedComparison {
    private record Side(Object benchmark, Method process) {
        int run() throws ReflectiveOperationException {
            return ((List<?>) process.invoke(benchmark)).size();
        }
    }

    private InterleavedComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: InterleavedComparison <baseline classpath file> <current classpath file> <C> <rounds>");
            System.exit(2);
        }
        int c = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int perRound = c >= 1024 ? 384 : 384 * 20;
        Side base = load(Path.of(args[0]), c);
        Side current = load(Path.of(args[1]), c);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        System.out.printf("C=%d: warming up (%d snapshots each)%n", c, 3 * perRound);
        for (int i = 0; i < 3 * perRound; i++) {
            sink += base.run() + current.run();
        }
        double[] baseRates = new double[rounds];
        double[] currentRates = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                Side side = (r + k) % 2 == 0 ? base : current; // alternate which side goes first
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < perRound; i++) {
                    sink += side.run();
                }
                double rate = perRound / ((mx.getCurrentThreadCpuTime() - t0) / 1e9);
                (side == base ? baseRates : currentRates)[r] = rate;
            }
            ratios[r] = currentRates[r] / baseRates[r];
            System.out.printf("round %d: baseline %.0f, current %.0f snapshots/CPU-s, ratio %.3f%n", r + 1,
                    baseRates[r], currentRates[r], ratios[r]);
        }
        System.out.printf("C=%d N=128, %d rounds: baseline median %s, current median %s snapshots/CPU-s,"
                        + " current/baseline median %s (sink %d)%n",
                c, rounds, summary(baseRates, "%.0f"), summary(currentRates, "%.0f"), summary(ratios, "%.3f"), sink);
    }

    private static String summary(double[] values, String format) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(format + " [" + format + ".." + format + "]", sorted[sorted.length / 2], sorted[0],
                sorted[sorted.length - 1]);
    }

    private static Side load(Path classpathFile, int c) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : Files.readString(classpathFile).trim().split(":")) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        // parent: the platform loader, so neither side sees this JVM's own application classpath
        ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Class<?> type = loader.loadClass(ProbeBenchmark.class.getName());
        Object benchmark = type.getDeclaredConstructor().newInstance();
        type.getField("filters").setInt(benchmark, c);
        type.getField("samples").setInt(benchmark, 128);
        type.getMethod("setUp").invoke(benchmark);
        return new Side(benchmark, type.getMethod("process"));
    }
}
