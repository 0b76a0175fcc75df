package io.filterwatch.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A check that needs something outside the JVM (a tool, a dataset). On a developer's machine a
 * missing prerequisite skips the check with the way to install it; in CI ({@code CI} set, as
 * .ci/run sets it) it fails, because CI installs everything and a skipped check there is a check
 * that silently stopped running.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    public static void require(boolean present, String howToInstall) {
        if (present) {
            return;
        }
        if (inCi()) {
            Assertions.fail("missing in CI, where every prerequisite must be installed: " + howToInstall);
        }
        Assumptions.abort(howToInstall);
    }

    static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
    }
}
