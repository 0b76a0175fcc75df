package io.filterwatch.console;

import java.util.Locale;

/** Number formatting shared by the terminal view and the report. */
public final class NumberFormats {
    private NumberFormats() {
    }

    public static String sci(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        if (v == 0) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%.3g", v);
        if (Math.abs(v) < 0.1 || Math.abs(v) >= 1e4) {
            s = String.format(Locale.ROOT, "%.1e", v).replace("e-0", "e-").replace("e+0", "e").replace("e+", "e");
            s = s.replace(".0e", "e");
        }
        return s;
    }

    public static String pct(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.1f%%", 100 * fraction) : "-";
    }

    public static String f(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    public static String thousands(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
