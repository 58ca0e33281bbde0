package dev.loupe.compress.memory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Built-in hardware profiles, and user profiles from a JSON file: an array of
 * {@code {"name": "...", "bandwidthGBps": 60, "peakTflops": 1.0, "source": "..."}}.
 */
public final class HardwareProfiles {
    /** Largest profile file read (a list of a few machines is a few KB). */
    private static final long MAX_FILE = 1 << 20;

    private static final List<HardwareProfile> BUILT_IN = List.of(
            // DDR5-5600, 2 channels x 8 bytes: 89.6 GB/s theoretical (JEDEC JESD79-5); laptops sustain ~60 in STREAM.
            // 8 cores x 32 fp32 FLOP/cycle (2 AVX2 FMA ports) x 4 GHz = ~1 TFLOP/s.
            new HardwareProfile("laptop-cpu", 60, 1.0,
                    "DDR5-5600 dual channel (89.6 GB/s peak, ~60 sustained); 8 cores x 2 AVX2 FMA x 4 GHz"),
            // AMD EPYC 9654: 12 channels DDR5-4800 = 460.8 GB/s theoretical (AMD spec sheet), ~300 sustained;
            // 96 cores x 32 fp32 FLOP/cycle x 2.4 GHz = 7.4 TFLOP/s.
            new HardwareProfile("server-cpu", 300, 7.4,
                    "AMD EPYC 9654, 12x DDR5-4800 (460.8 GB/s peak, ~300 sustained); 96 cores x 32 FLOP/cycle x 2.4 GHz"),
            // NVIDIA A100 80GB PCIe datasheet: 1,935 GB/s HBM2e, 312 TFLOP/s fp16 tensor core (dense).
            new HardwareProfile("a100", 1935, 312, "NVIDIA A100 80GB PCIe datasheet: 1,935 GB/s, 312 TFLOP/s FP16 dense"),
            // NVIDIA H100 SXM datasheet: 3.35 TB/s HBM3, 989 TFLOP/s fp16 tensor core (dense; 1,979 is with sparsity).
            new HardwareProfile("h100", 3350, 989, "NVIDIA H100 SXM datasheet: 3.35 TB/s, 989 TFLOP/s FP16 dense"),
            // Raspberry Pi 5: LPDDR4X-4267 on a 32-bit bus = 17 GB/s; 4 Cortex-A76 x 16 fp32 FLOP/cycle x 2.4 GHz.
            new HardwareProfile("raspberry-pi-5", 17, 0.15,
                    "Raspberry Pi 5: LPDDR4X-4267 x32 (17 GB/s); 4x Cortex-A76 x 16 FLOP/cycle x 2.4 GHz"));

    private HardwareProfiles() {
    }

    public static List<HardwareProfile> builtIn() {
        return BUILT_IN;
    }

    /** Profiles from a user's JSON file. */
    public static List<HardwareProfile> load(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new LoupeException(file, "no such hardware profile file");
            }
            if (Files.size(file) > MAX_FILE) {
                throw new LoupeException(file, "hardware profile file is larger than 1 MB");
            }
            ObjectMapper m = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            HardwareProfile[] p = m.readValue(Files.readAllBytes(file), HardwareProfile[].class);
            if (p == null || p.length == 0) {
                throw new LoupeException(file, "expected a JSON array of hardware profiles");
            }
            return Arrays.asList(p);
        } catch (JsonProcessingException e) {
            throw new LoupeException(file, "not a hardware profile list: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new LoupeException(file, "cannot read: " + e.getMessage(), e);
        }
    }
}
