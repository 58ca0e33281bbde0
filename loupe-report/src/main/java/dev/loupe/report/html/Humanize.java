package dev.loupe.report.html;

import java.util.Locale;

/** How reports write sizes, counts, shapes and file names for people (one place for every report). */
public final class Humanize {
    private Humanize() {
    }

    /** The last path segment of {@code file} (trailing slashes ignored), for titles and cards. */
    public static String fileName(String file) {
        String f = file.replace('\\', '/');
        while (f.endsWith("/") && f.length() > 1) {
            f = f.substring(0, f.length() - 1);
        }
        int slash = f.lastIndexOf('/');
        return slash >= 0 ? f.substring(slash + 1) : f;
    }

    /** A shape as 384×1536. */
    public static String shape(long[] shape) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : "×").append(shape[i]);
        }
        return b.toString();
    }

    /** Bytes in binary units with one decimal: 86.2 MiB. */
    public static String bytes(long b) {
        String[] u = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int k = 0;
        while (v >= 1024 && k < u.length - 1) {
            v /= 1024;
            k++;
        }
        return String.format(Locale.ROOT, k == 0 ? "%.0f %s" : "%.1f %s", v, u[k]);
    }

    /** A count with a k/M/B suffix: 22.5 M. */
    public static String count(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f B", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f M", n / 1e6);
        }
        if (n >= 10_000L) {
            return String.format(Locale.ROOT, "%.1f k", n / 1e3);
        }
        return Long.toString(n);
    }
}
