package dev.loupe.report.compress;

import dev.loupe.report.html.Humanize;
import dev.loupe.compress.result.CompressionReport.MemoryRow;
import dev.loupe.report.html.Table;
import dev.loupe.report.html.Table.Cell;
import dev.loupe.report.html.Table.Column;
import dev.loupe.report.plot.Ticks;

import java.util.List;

/** The roofline table: one row per hardware profile, before and after. */
final class MemoryTable {
    private MemoryTable() {
    }

    static Table of(List<MemoryRow> rows) {
        Table t = new Table(List.of(new Column("hardware", "", false),
                new Column("GB/s", "memory bandwidth", true), new Column("TFLOP/s", "peak compute", true),
                new Column("positions", "tokens or samples per inference", true),
                new Column("bytes before", "bytes moved per inference, original", true),
                new Column("bytes after", "bytes moved per inference, compressed", true),
                new Column("FLOPs", "2 · params · positions", true),
                new Column("FLOP/byte before", "arithmetic intensity", true),
                new Column("FLOP/byte after", "arithmetic intensity", true),
                new Column("µs before", "roofline latency", true), new Column("µs after", "roofline latency", true),
                new Column("speed-up", "µs before ÷ µs after", true), new Column("bound after", "", false)));
        for (MemoryRow m : rows) {
            t.row(List.of(Cell.text(m.profile()), num(m.bandwidthGBps()), num(m.peakTflops()),
                    Cell.number(m.positions(), Long.toString(m.positions())),
                    Cell.number(m.bytesBefore(), Humanize.bytes((long) m.bytesBefore())),
                    Cell.number(m.bytesAfter(), Humanize.bytes((long) m.bytesAfter())),
                    num(m.flops()), num(m.intensityBefore()), num(m.intensityAfter()),
                    num(m.secondsBefore() * 1e6), num(m.secondsAfter() * 1e6),
                    num(m.secondsBefore() / m.secondsAfter()), Cell.text(m.boundAfter())));
        }
        return t;
    }

    private static Cell num(double v) {
        return Cell.number(v, Ticks.compact(v));
    }
}
