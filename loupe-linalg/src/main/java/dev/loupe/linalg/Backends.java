package dev.loupe.linalg;

import dev.loupe.core.LoupeException;
import dev.loupe.linalg.openblas.OpenBlasBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Picks the fastest backend that loads on this machine: native OpenBLAS (bundled in a Maven jar),
 * else pure-Java EJML, recording why. The system property {@code loupe.backend} or the environment
 * variable {@code LOUPE_BACKEND} ({@code java} | {@code openblas} | {@code auto}) forces a choice;
 * forcing {@code openblas} where it cannot load is an error, not a silent fallback.
 */
public final class Backends {
    /** The property and variable that force a backend. */
    public static final String PROPERTY = "loupe.backend";
    public static final String ENV = "LOUPE_BACKEND";

    private Backends() {
    }

    /** The chosen backend (loaded once per JVM). */
    public static DenseBackend best() {
        return choice().backend();
    }

    /** Which backend {@link #best()} returns and why the others were not used. */
    public static BackendReport report() {
        return choice().report();
    }

    /** The pure-Java backend, always available. */
    public static DenseBackend pureJava() {
        return new EjmlBackend();
    }

    /**
     * The native backend, or an exception saying why it does not load here.
     *
     * @throws IllegalStateException or {@link LinkageError} when there is no usable native library
     */
    public static OpenBlasBackend openBlas() {
        return loadOpenBlas();
    }

    record Choice(DenseBackend backend, BackendReport report) {
    }

    /** Resolves a request ({@code null} = auto) into a backend; package-private for tests. */
    static Choice choose(String requested, String how) {
        String want = requested == null || requested.isBlank() ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        List<String> notUsed = new ArrayList<>();
        switch (want) {
            case "java", "ejml" -> {
                notUsed.add("openblas (not tried: " + how + ")");
                DenseBackend b = pureJava();
                return new Choice(b, new BackendReport(b.name(), how, notUsed));
            }
            case "openblas", "native" -> {
                OpenBlasBackend b;
                try {
                    b = openBlas();
                } catch (RuntimeException | LinkageError e) {
                    throw new LoupeException(how + " but native OpenBLAS does not load here: " + reason(e));
                }
                notUsed.add("java (" + how + ")");
                return new Choice(b, new BackendReport(b.name(), how, notUsed));
            }
            case "auto" -> {
                try {
                    OpenBlasBackend b = openBlas();
                    notUsed.add("java (pure-Java fallback, 30-100x slower; native loaded)");
                    return new Choice(b, new BackendReport(b.name(), "auto", notUsed));
                } catch (RuntimeException | LinkageError e) {
                    notUsed.add("openblas (" + reason(e) + ")");
                    DenseBackend b = pureJava();
                    return new Choice(b, new BackendReport(b.name(), "auto", notUsed));
                }
            }
            default -> throw new LoupeException(how + ": unknown backend '" + requested + "' (use java, openblas or auto)");
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replace('\n', ' '));
    }

    // Resolved lazily and remembered, failures included: a bad LOUPE_BACKEND throws the same
    // LoupeException on every call instead of poisoning class initialization.
    private static Choice choice;
    private static OpenBlasBackend openBlas;
    private static Throwable openBlasFailure;

    private static synchronized Choice choice() {
        if (choice == null) {
            String prop = System.getProperty(PROPERTY);
            String env = System.getenv(ENV);
            if (prop != null && !prop.isBlank()) {
                choice = choose(prop, "-D" + PROPERTY + "=" + prop);
            } else if (env != null && !env.isBlank()) {
                choice = choose(env, ENV + "=" + env);
            } else {
                choice = choose(null, "auto");
            }
        }
        return choice;
    }

    private static synchronized OpenBlasBackend loadOpenBlas() {
        if (openBlas == null && openBlasFailure == null) {
            try {
                openBlas = OpenBlasBackend.load();
            } catch (RuntimeException | LinkageError e) {
                openBlasFailure = e;
            }
        }
        switch (openBlasFailure) {
            case null -> {
                return openBlas;
            }
            case RuntimeException r -> throw r;
            case Error err -> throw err;
            default -> throw new IllegalStateException(openBlasFailure);
        }
    }
}
