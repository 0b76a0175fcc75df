package io.filterwatch.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's headless Chromium, run once per page: --dump-dom for the DOM after the scripts ran, --screenshot for a PNG. */
final class Chromium {

    private Chromium() {
    }

    static String find() {
        for (String c : new String[] {System.getProperty("fw.chromium", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (!c.isBlank() && Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        throw new IllegalStateException("headless Chromium not found: install it with "
                + "`apt-get install -y --no-install-recommends chromium` (.ci/run does), or set -Dfw.chromium=/path");
    }

    private static List<String> base(String bin, Path profile) {
        return new ArrayList<>(List.of(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--user-data-dir=" + profile));
    }

    static String dumpDom(String bin, Path profile, Path page) throws Exception {
        List<String> cmd = base(bin, profile);
        cmd.add("--dump-dom");
        cmd.add(page.toUri().toString());
        Path stdout = Files.createTempFile("fw-dom-", ".html");
        run(cmd, stdout);
        String dom = Files.readString(stdout, StandardCharsets.UTF_8);
        if (!dom.contains("<canvas")) {
            throw new IllegalStateException("chromium --dump-dom gave no page: " + dom.substring(0, Math.min(500, dom.length())));
        }
        return dom;
    }

    static void screenshot(String bin, Path profile, Path page, Path png, int width, int height) throws Exception {
        List<String> cmd = base(bin, profile);
        cmd.add("--window-size=" + width + "," + height);
        cmd.add("--screenshot=" + png);
        cmd.add(page.toUri().toString());
        Files.deleteIfExists(png);
        run(cmd, Files.createTempFile("fw-shot-", ".txt"));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IllegalStateException("chromium wrote no screenshot to " + png);
        }
    }

    private static void run(List<String> cmd, Path stdout) throws Exception {
        Path stderr = Files.createTempFile("fw-chromium-", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within 120 s: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("chromium exited " + p.exitValue() + ": " + Files.readString(stderr));
        }
    }
}
