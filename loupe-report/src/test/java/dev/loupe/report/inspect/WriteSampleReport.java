package dev.loupe.report.inspect;

import java.nio.file.Path;

/** Writes the sample report for a look in a browser: {@code java ... WriteSampleReport out.html}. */
public final class WriteSampleReport {
    private WriteSampleReport() {
    }

    public static void main(String[] args) {
        InspectReport.write(SampleInspectResults.encoder(args.length > 1 ? Integer.parseInt(args[1]) : 6, "<script>alert('x')</script>&\"layer\""), Path.of(args[0]));
    }
}
