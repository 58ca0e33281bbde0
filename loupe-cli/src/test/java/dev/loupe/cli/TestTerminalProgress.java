package dev.loupe.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestTerminalProgress {
    @Test
    void workWithinALayerMovesThePercentageButCountsNoLayer() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // a log line at every call (1 ns apart at least), as a long run's log shows them
        TerminalProgress p = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), null, 1e-9, "layers", 2);
        p.start("inspect", 100);
        p.advanceWithin(60); // the big layer's Gram
        p.advance(20);       // the rest of it
        p.advance(20);       // the small layer
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().map(l -> l.replaceAll(", elapsed.*", "")).toList();
        assertEquals(List.of("inspect: 0/2 layers, 0% of the work", "inspect: 0/2 layers, 60% of the work",
                "inspect: 1/2 layers, 80% of the work", "inspect: 2/2 layers, 100% of the work"), lines);
    }
}
