package io.filterwatch.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Backstop: every broker and server the fixtures start registers here, and one JVM shutdown hook
 * closes whatever a test forgot to stop (newest first). Normal stops unregister themselves.
 */
final class Reaper {
    private static final Set<AutoCloseable> LIVE = Collections.synchronizedSet(new LinkedHashSet<>());
    private static volatile boolean hooked;

    private Reaper() {
    }

    static void register(AutoCloseable c) {
        if (!hooked) {
            synchronized (Reaper.class) {
                if (!hooked) {
                    Runtime.getRuntime().addShutdownHook(new Thread(Reaper::closeAll, "filterwatch-testing-reaper"));
                    hooked = true;
                }
            }
        }
        LIVE.add(c);
    }

    static void unregister(AutoCloseable c) {
        LIVE.remove(c);
    }

    private static void closeAll() {
        List<AutoCloseable> all;
        synchronized (LIVE) {
            all = new ArrayList<>(LIVE);
        }
        Collections.reverse(all);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Throwable t) {
                System.err.println("[filterwatch-testing] shutdown hook could not stop " + c + ": " + t);
            }
        }
    }
}
