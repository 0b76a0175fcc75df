package io.filterwatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads the kernel's TCP tables (Linux) to see which local addresses listen on a port. */
final class Listeners {
    private static final String LOOPBACK_V4 = "0100007F";                         // 127.0.0.1, little-endian
    private static final String LOOPBACK_V4_MAPPED = "0000000000000000FFFF00000100007F"; // ::ffff:127.0.0.1

    private Listeners() {
    }

    /** Hex local addresses (as in /proc/net/tcp[6]) in LISTEN state on the port. */
    static List<String> listenAddresses(int port) throws IOException {
        List<String> out = new ArrayList<>();
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].contains(":") && f[3].equals("0A")) {
                    String[] local = f[1].split(":");
                    if (local[1].equalsIgnoreCase(hexPort)) {
                        out.add(local[0].toUpperCase(Locale.ROOT));
                    }
                }
            }
        }
        return out;
    }

    static boolean isLoopback(String hexAddress) {
        return hexAddress.equals(LOOPBACK_V4) || hexAddress.equals(LOOPBACK_V4_MAPPED);
    }
}
