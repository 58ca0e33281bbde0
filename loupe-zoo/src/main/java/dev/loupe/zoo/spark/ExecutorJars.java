package dev.loupe.zoo.spark;

import dev.loupe.core.LoupeException;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.zoo.result.ZooSchema;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * The jars a Spark executor needs to run a zoo task, beyond Spark's own: Loupe's modules that a task
 * touches and their runtime dependencies that a Spark distribution does not ship, each found from where
 * the running JVM loaded one of its classes (its code source), so the list is right for {@code ./loupe}'s
 * {@code lib/}, a Maven test class path or any other layout. Native libraries travel inside their platform
 * jars (JavaCPP's {@code -linux-x86_64} etc.), which hold no classes: they are found as siblings of the
 * class jar with the same name plus a classifier. A class directory (tests, IDEs) is packed into a jar,
 * because {@code spark.jars} takes files only.
 */
public final class ExecutorJars {
    /** One class per jar a task needs. Jackson, Scala, Hadoop and the rest come with Spark. */
    private static final List<Class<?>> ANCHORS = List.of(
            ZooSchema.class, LoupeException.class, Backends.class, Inspector.class,
            org.ejml.data.DMatrixRMaj.class, org.ejml.dense.row.CommonOps_DDRM.class,
            org.ejml.dense.row.CommonOps_FDRM.class,
            org.bytedeco.javacpp.Loader.class, org.bytedeco.openblas.global.openblas.class);

    private ExecutorJars() {
    }

    /** Where the anchors were loaded from (jars or class directories), with the platform jars beside them. */
    public static List<Path> codeSources() {
        Set<Path> out = new LinkedHashSet<>();
        for (Class<?> c : ANCHORS) {
            Path src = codeSource(c);
            out.add(src);
            out.addAll(platformSiblings(src));
        }
        return List.copyOf(out);
    }

    /** {@link #codeSources()} as files Spark can ship: class directories packed into jars under {@code tmp}. */
    public static List<Path> forSpark(Path tmp) {
        List<Path> out = new ArrayList<>();
        for (Path p : codeSources()) {
            out.add(Files.isDirectory(p) ? pack(p, tmp) : p);
        }
        return out;
    }

    static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            throw new IllegalStateException("cannot locate the code of " + c.getName(), e);
        }
    }

    /** {@code openblas-0.3.30-1.5.12.jar} → {@code openblas-0.3.30-1.5.12-linux-x86_64.jar} etc. in the same folder. */
    private static List<Path> platformSiblings(Path jar) {
        String name = jar.getFileName().toString();
        if (!Files.isRegularFile(jar) || !name.endsWith(".jar")) {
            return List.of();
        }
        String prefix = name.substring(0, name.length() - 4) + "-";
        try (Stream<Path> s = Files.list(jar.getParent())) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(".jar") && !n.endsWith("-sources.jar")
                        && !n.endsWith("-javadoc.jar") && !n.endsWith("-tests.jar");
            }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The class path of this JVM: {@code java.class.path} plus the {@code Class-Path} of any jar's manifest on it. */
    public static List<Path> classPath() {
        Set<Path> out = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (!e.isBlank()) {
                addWithManifest(Path.of(e).toAbsolutePath().normalize(), out);
            }
        }
        return List.copyOf(out);
    }

    private static void addWithManifest(Path p, Set<Path> out) {
        if (!out.add(p) || !Files.isRegularFile(p) || !p.toString().endsWith(".jar")) {
            return;
        }
        try (JarFile jf = new JarFile(p.toFile())) {
            Manifest m = jf.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp != null) {
                for (String rel : cp.trim().split("\\s+")) {
                    addWithManifest(p.resolveSibling(rel).normalize(), out);
                }
            }
        } catch (IOException e) {
            // not a readable jar: keep it as an entry, skip its manifest
        }
    }

    private static Path pack(Path dir, Path tmp) {
        Path jar = tmp.resolve(dir.getParent().getParent().getFileName() + "-" + dir.getFileName() + ".jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
             Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace('\\', '/')));
                try (InputStream in = Files.newInputStream(f)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        } catch (IOException | UncheckedIOException e) {
            throw new LoupeException(jar, "cannot pack " + dir + " for the executors: " + e.getMessage());
        }
        return jar;
    }
}
