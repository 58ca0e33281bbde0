package dev.loupe.linalg;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestBackends {
    @Test
    void autoPicksNativeOnThisPlatformAndSaysWhyJavaWasNotUsed() {
        Backends.Choice c = Backends.choose(null, "auto");
        assertTrue(c.backend().name().startsWith("openblas"), c.report().toString());
        assertEquals("auto", c.report().how());
        assertTrue(c.report().notUsed().getFirst().startsWith("java"), c.report().toString());
    }

    @Test
    void forcingJavaGivesEjml() {
        Backends.Choice c = Backends.choose("JAVA", "LOUPE_BACKEND=JAVA");
        assertTrue(c.backend().name().startsWith("ejml"), c.report().toString());
        assertEquals(c.backend().name(), c.report().chosen());
        assertTrue(c.report().toString().contains("LOUPE_BACKEND=JAVA"));
    }

    @Test
    void forcingOpenBlasGivesNative() {
        assertTrue(Backends.choose("openblas", "-Dloupe.backend=openblas").backend().name().startsWith("openblas"));
    }

    @Test
    void unknownNameIsAUserError() {
        LoupeException e = assertThrows(LoupeException.class, () -> Backends.choose("cuda", "LOUPE_BACKEND=cuda"));
        assertTrue(e.getMessage().contains("cuda"), e.getMessage());
    }

    @Test
    void bestIsTheReportedOne() {
        assertEquals(Backends.best().name(), Backends.report().chosen());
    }
}
