package dev.loupe.cli;

import picocli.CommandLine;

/** Version from the jar manifest (filled by Maven), with the JVM it runs on. */
public final class Version implements CommandLine.IVersionProvider {
    /** The version number alone ("dev" when not run from the jar). */
    public static String number() {
        String v = Loupe.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        String v = Loupe.class.getPackage().getImplementationVersion();
        return new String[] {"loupe " + (v == null ? "dev" : v),
                "JVM " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
}
