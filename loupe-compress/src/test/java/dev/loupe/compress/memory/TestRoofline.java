package dev.loupe.compress.memory;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestRoofline {
    @TempDir
    Path dir;

    @Test
    void handWorkedLinearLayer() {
        // one 4096x4096 layer at 4 bits, one token: weights 4096·4096/2 = 8,388,608 bytes;
        // activations (4096 + 4096)·4 = 32,768 bytes; FLOPs 2·4096² = 33,554,432.
        Workload w = Workload.linear(new long[] {4096}, new long[] {4096}, new double[] {8_388_608}, 1);
        assertEquals(8_388_608 + 32_768, w.bytes());
        assertEquals(33_554_432, w.flops());
        assertEquals(33_554_432.0 / 8_421_376, w.intensity(), 1e-12);
        // on 100 GB/s and 10 TFLOP/s: memory 8,421,376 / 1e11 = 84.2 us, compute 3.36 us -> memory-bound
        Roofline r = Roofline.of(w, new HardwareProfile("x", 100, 10, ""));
        assertEquals(8.421376e-5, r.memorySeconds(), 1e-15);
        assertEquals(3.3554432e-6, r.computeSeconds(), 1e-15);
        assertEquals("memory", r.bound());
        assertEquals(100, r.profile().ridge(), 1e-12); // 10e12 / 100e9
        // at 1024 tokens the same layer is compute-bound: FLOPs x1024, weights read once
        Workload batch = Workload.linear(new long[] {4096}, new long[] {4096}, new double[] {8_388_608}, 1024);
        assertEquals("compute", Roofline.of(batch, new HardwareProfile("x", 100, 10, "")).bound());
    }

    @Test
    void builtInsAndUserProfiles() throws Exception {
        assertTrue(HardwareProfiles.builtIn().stream().anyMatch(p -> p.name().equals("a100") && p.peakTflops() == 312));
        Path f = dir.resolve("hw.json");
        Files.writeString(f, "[{\"name\":\"my-box\",\"bandwidthGBps\":50,\"peakTflops\":2,\"source\":\"measured\"}]");
        List<HardwareProfile> p = HardwareProfiles.load(f);
        assertEquals(new HardwareProfile("my-box", 50, 2, "measured"), p.get(0));
        Files.writeString(f, "[{\"name\":\"bad\",\"bandwidthGBps\":0,\"peakTflops\":2}]");
        assertThrows(LoupeException.class, () -> HardwareProfiles.load(f));
        Files.writeString(f, "{\"oops\": 1}");
        assertThrows(LoupeException.class, () -> HardwareProfiles.load(f));
        assertThrows(LoupeException.class, () -> HardwareProfiles.load(dir.resolve("missing.json")));
    }
}
