package dev.loupe.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A plain aligned text table for the terminal; numbers right-aligned. */
public final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = header;
    }

    public Table row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(r);
        return this;
    }

    public void print(PrintStream out) {
        PrintWriter w = new PrintWriter(out, true);
        print(w);
        w.flush();
    }

    public void print(PrintWriter out) {
        int[] w = new int[header.length];
        boolean[] numeric = new boolean[header.length];
        Arrays.fill(numeric, true);
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
                numeric[i] &= r[i].isEmpty() || r[i].matches("[-+]?[0-9][0-9.,eE+\\-]*( ?[kMGTB]i?B?)?|-|nan|NaN");
            }
        }
        out.println(line(header, w, numeric));
        out.println(Arrays.stream(w).mapToObj("-"::repeat).collect(Collectors.joining("  ")));
        for (String[] r : rows) {
            out.println(line(r, w, numeric));
        }
    }

    private static String line(String[] cells, int[] w, boolean[] numeric) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append("  ");
            }
            String pad = " ".repeat(w[i] - cells[i].length());
            sb.append(numeric[i] ? pad + cells[i] : (i == cells.length - 1 ? cells[i] : cells[i] + pad));
        }
        return sb.toString().stripTrailing();
    }

    public static String shape(long[] s) {
        return Arrays.stream(s).mapToObj(Long::toString).collect(Collectors.joining("x", "[", "]"));
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    public static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
    }

    public static String num(double v, int digits) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
