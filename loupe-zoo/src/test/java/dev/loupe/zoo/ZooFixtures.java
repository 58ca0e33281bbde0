package dev.loupe.zoo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The generated zoo (fixtures/make_zoo.py) and small copies of it for tests. */
public final class ZooFixtures {
    public static final Path ZOO = Path.of("../fixtures/zoo").toAbsolutePath().normalize();

    private ZooFixtures() {
    }

    /** Copies models mlp_00 .. mlp_{n-1} into dir and returns dir. */
    public static Path copy(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            String name = String.format("mlp_%02d.safetensors", i);
            Files.copy(ZOO.resolve(name), dir.resolve(name));
        }
        return dir;
    }

    /** A file that claims to be safetensors but whose header length points past the end. */
    public static Path corrupt(Path dir) throws IOException {
        Path p = dir.resolve("broken.safetensors");
        byte[] b = new byte[64];
        b[0] = (byte) 0xff;
        b[1] = (byte) 0xff;
        b[2] = (byte) 0x7f;
        Files.write(p, b);
        return p;
    }
}
