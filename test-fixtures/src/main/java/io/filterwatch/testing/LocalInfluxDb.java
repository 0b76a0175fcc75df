package io.filterwatch.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A real InfluxDB 1.x for tests: Debian's {@code influxd} started as a child PROCESS on free
 * 127.0.0.1 ports (HTTP and the RPC bind-address, both loopback), with a generated config,
 * reporting disabled and meta/data/wal in a temporary folder that {@link #stop()} deletes.
 *
 * <p>Where {@code influxd} is missing but a Docker engine answers, Testcontainers'
 * {@code influxdb:1.11} is used instead; where neither, {@link #start()} fails saying how to install
 * it ({@code apt-get install influxdb}, or run {@code .ci/run}).
 *
 * <p>Outage simulation, same data dir and ports: {@link #stopServer()} / {@link #restartServer()}
 * (the process ends: connections are refused) and {@link #pause()} / {@link #resume()} (SIGSTOP /
 * SIGCONT: connections hang, as with a stuck server). On the Docker fallback both pairs pause and
 * unpause the container.
 *
 * <p>The {@code influxd} binary is looked up in {@code -Dfilterwatch.influxd}, {@code $FW_INFLUXD},
 * then {@code PATH}, {@code /usr/bin} and {@code /usr/sbin}.
 */
public final class LocalInfluxDb implements AutoCloseable {
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path influxd;           // null on the Docker fallback
    private final Path home;              // temp folder: config, meta, data, wal, influxd.log
    private final int httpPort;
    private final int rpcPort;
    private final String url;
    private final ContainerInflux container; // null unless Docker fallback
    private Process process;
    private boolean paused;
    private volatile boolean stopped;

    private LocalInfluxDb(Path influxd, Path home, int httpPort, int rpcPort) {
        this.influxd = influxd;
        this.home = home;
        this.httpPort = httpPort;
        this.rpcPort = rpcPort;
        this.url = "http://" + Loopback.HOST + ":" + httpPort;
        this.container = null;
    }

    private LocalInfluxDb(ContainerInflux container) {
        this.influxd = null;
        this.home = null;
        this.httpPort = container.port();
        this.rpcPort = -1;
        this.url = container.url();
        this.container = container;
    }

    /** Starts a fresh, empty InfluxDB and waits until {@code /ping} answers. */
    public static LocalInfluxDb start() {
        Path bin = findInfluxd();
        if (bin == null) {
            if (ContainerInflux.dockerAvailable()) {
                LocalInfluxDb db = new LocalInfluxDb(ContainerInflux.start());
                Reaper.register(db);
                return db;
            }
            throw new IllegalStateException("InfluxDB is not installed: no influxd on PATH, in /usr/bin or /usr/sbin, "
                    + "and no Docker engine for Testcontainers' influxdb:1.11. Install it with "
                    + "`sudo apt-get install -y influxdb` (Debian/Ubuntu), or run `bash .ci/run`, "
                    + "or point -Dfilterwatch.influxd / $FW_INFLUXD at an influxd 1.x binary.");
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path home;
            try {
                home = Files.createTempDirectory("fw-influxdb-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temp dir for influxd", e);
            }
            int httpPort = Loopback.freePort();
            int rpcPort = Loopback.freePort();
            while (rpcPort == httpPort) {
                rpcPort = Loopback.freePort();
            }
            LocalInfluxDb db = new LocalInfluxDb(bin, home, httpPort, rpcPort);
            try {
                db.writeConfig();
                db.launch();
                Reaper.register(db);
                return db;
            } catch (RuntimeException e) {
                last = e;
                db.killProcess();
                Loopback.deleteRecursively(home);
                if (!String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("address already in use")) {
                    break;
                }
            }
        }
        throw last;
    }

    static Path findInfluxd() {
        List<String> candidates = new ArrayList<>();
        String prop = System.getProperty("filterwatch.influxd");
        if (prop != null && !prop.isBlank()) {
            candidates.add(prop);
        }
        String env = System.getenv("FW_INFLUXD");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(dir + File.separator + "influxd");
                }
            }
        }
        candidates.add("/usr/bin/influxd");
        candidates.add("/usr/sbin/influxd");
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private void writeConfig() {
        String conf = String.join("\n",
                "# generated by io.filterwatch.testing.LocalInfluxDb",
                "reporting-disabled = true",
                "bind-address = \"" + Loopback.HOST + ":" + rpcPort + "\"",
                "",
                "[meta]",
                "  dir = \"" + home.resolve("meta") + "\"",
                "  retention-autocreate = true",
                "  logging-enabled = false",
                "",
                "[data]",
                "  dir = \"" + home.resolve("data") + "\"",
                "  wal-dir = \"" + home.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "  trace-logging-enabled = false",
                "",
                "[monitor]",
                "  store-enabled = false",
                "",
                "[http]",
                "  enabled = true",
                "  bind-address = \"" + Loopback.HOST + ":" + httpPort + "\"",
                "  auth-enabled = false",
                "  log-enabled = false",
                "  write-tracing = false",
                "  pprof-enabled = false",
                "",
                "[logging]",
                "  level = \"warn\"",
                "  suppress-logo = true",
                "",
                "[subscriber]",
                "  enabled = false",
                "",
                "[continuous_queries]",
                "  enabled = true",
                "  log-enabled = false",
                "");
        try {
            Files.writeString(home.resolve("influxdb.conf"), conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void launch() {
        ProcessBuilder pb = new ProcessBuilder(influxd.toString(), "run", "-config", home.resolve("influxdb.conf").toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("INFLUXDB_")); // env would override the config
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + influxd, e);
        }
        paused = false;
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("influxd exited with code " + process.exitValue() + " before it was ready on "
                        + url + " (rpc 127.0.0.1:" + rpcPort + "); its log " + log() + " ends with:\n" + logTail());
            }
            if (ping()) {
                return;
            }
            sleep(50);
        }
        throw new IllegalStateException("influxd (pid " + process.pid() + ") not ready on " + url + " after "
                + READY_TIMEOUT.toSeconds() + " s; log tail:\n" + logTail());
    }

    private boolean ping() {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/ping"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 204;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Path log() {
        return home.resolve("influxd.log");
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return url;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The RPC (backup/restore) port, loopback; -1 on the Docker fallback. */
    public int rpcPort() {
        return rpcPort;
    }

    /** The temporary folder with config, meta, data, wal and {@code influxd.log}; null on the Docker fallback. */
    public Path home() {
        return home;
    }

    /** The influxd process id, or -1 when not running (or on the Docker fallback). */
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** Creates a database (idempotent in InfluxDB 1.x). */
    public void createDatabase(String name) {
        query("CREATE DATABASE \"" + name.replace("\"", "\\\"") + "\"");
    }

    /** Runs an InfluxQL statement with POST /query and returns the JSON body; fails on an HTTP or statement error. */
    public String query(String influxQl) {
        return query(null, influxQl);
    }

    public String query(String database, String influxQl) {
        String form = "q=" + URLEncoder.encode(influxQl, StandardCharsets.UTF_8)
                + (database == null ? "" : "&db=" + URLEncoder.encode(database, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/query"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
                throw new IllegalStateException("InfluxQL `" + influxQl + "` failed: HTTP " + r.statusCode() + " " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException("InfluxDB at " + url + " unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** True when the server answers {@code /ping} now. */
    public boolean isReady() {
        return ping();
    }

    /** Ends the influxd process (SIGTERM, then SIGKILL after 15 s), keeping data dir and ports for {@link #restartServer()}. */
    public synchronized void stopServer() {
        checkNotStopped();
        if (container != null) {
            container.pause();
            return;
        }
        killProcess();
    }

    /** Starts influxd again on the same ports with the same data, and waits until it is ready. */
    public synchronized void restartServer() {
        checkNotStopped();
        if (container != null) {
            container.unpause();
            return;
        }
        if (process != null && process.isAlive()) {
            if (paused) {
                resume();
            }
            return;
        }
        if (Loopback.isListening(httpPort) || Loopback.isListening(rpcPort)) {
            throw new IllegalStateException("cannot restart influxd: port " + httpPort + " or " + rpcPort
                    + " on 127.0.0.1 was taken while it was down");
        }
        launch();
    }

    /** Freezes the server (SIGSTOP): it keeps its ports but answers nothing until {@link #resume()}. */
    public synchronized void pause() {
        checkNotStopped();
        if (container != null) {
            container.pause();
            return;
        }
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("influxd is not running");
        }
        signal("STOP");
        awaitAllThreadsStopped();
        paused = true;
    }

    /**
     * kill(2) only queues SIGSTOP; each of influxd's threads stops when it next runs, and on a busy
     * machine one may still answer a request after kill returned. Waits until /proc shows every
     * thread stopped (state T), so a paused server is paused for whatever the test does next.
     */
    private void awaitAllThreadsStopped() {
        Path tasks = Path.of("/proc", String.valueOf(process.pid()), "task");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (var threads = Files.list(tasks)) {
                if (threads.allMatch(LocalInfluxDb::isStopped)) {
                    return;
                }
            } catch (IOException e) {
                return; // no /proc (not Linux): best effort, as before
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("influxd " + process.pid() + " did not stop within " + READY_TIMEOUT);
    }

    private static boolean isStopped(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
            // "pid (comm) S ...": the state follows the last ')' (comm may contain spaces)
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'T' || state == 't';
        } catch (IOException e) {
            return true; // the thread ended
        }
    }

    /** Thaws a {@link #pause() paused} server (SIGCONT) and waits until it answers again. */
    public synchronized void resume() {
        checkNotStopped();
        if (container != null) {
            container.unpause();
            return;
        }
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("influxd is not running (use restartServer() after stopServer())");
        }
        signal("CONT");
        paused = false;
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!ping()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("influxd did not answer after SIGCONT; log tail:\n" + logTail());
            }
            sleep(50);
        }
    }

    private void signal(String sig) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private synchronized void killProcess() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        if (paused) {
            try {
                signal("CONT");
            } catch (RuntimeException ignored) {
                // SIGKILL below works on a stopped process anyway
            }
            paused = false;
        }
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void checkNotStopped() {
        if (stopped) {
            throw new IllegalStateException("this LocalInfluxDb was stopped");
        }
    }

    /** Stops the server (its own PID only), waits for it, and deletes the temporary folder. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        Reaper.unregister(this);
        if (container != null) {
            container.stop();
            return;
        }
        killProcess();
        Loopback.deleteRecursively(home);
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "LocalInfluxDb[" + url + (container != null ? ", docker" : ", pid " + pid()) + (stopped ? ", stopped" : "") + "]";
    }
}
