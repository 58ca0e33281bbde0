package dev.loupe.spectral.analysis;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.layers.Discovery;
import dev.loupe.spectral.layers.LayerDiscovery;
import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.LayerSpectrum;
import dev.loupe.spectral.result.Provenance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code loupe inspect}'s engine: discover layers, analyze them on {@code threads} workers (largest
 * first, so the long ones do not end up last; a worker with no layer left takes the weight statistics
 * of layers still running, {@link SideWork}; each worker, as it starts a layer, has the one it will take
 * next paged in, {@link ReadAhead}), assemble the result in model order.
 */
public final class Inspector {
    private final DenseBackend backend;
    private final InspectOptions options;
    private final int blasThreads;

    public Inspector(DenseBackend backend, InspectOptions options) {
        this(backend, options, 0);
    }

    /**
     * @param blasThreads the most native BLAS threads one call may use: 0 = the cores divided by
     *                    {@code options.threads()}; n &gt; 0 = n (a Spark task: its CPUs). Calls on small
     *                    matrices use one ({@code BlasThreads}). The inspection never sets the process-wide
     *                    count: the backend changes it only while no other native call runs, so inspections
     *                    side by side in one JVM do not change it under each other's calls.
     */
    public Inspector(DenseBackend backend, InspectOptions options, int blasThreads) {
        if (blasThreads < 0) {
            throw new IllegalArgumentException("blasThreads must be >= 0, got " + blasThreads);
        }
        this.backend = backend;
        this.options = options;
        this.blasThreads = blasThreads;
    }

    /**
     * @param version Loupe version for provenance
     * @param hash    whether to SHA-256 the checkpoint file (a regular file only)
     */
    public InspectResult inspect(Checkpoint cp, Progress progress, String version, boolean hash) {
        return inspect(cp, 0, Integer.MAX_VALUE, progress, version, hash);
    }

    /** How many layers {@link #inspect} would analyze (discovery only: no weights are decoded). */
    public int layerCount(Checkpoint cp) {
        return LayerDiscovery.discover(cp, options.conv(), options.splits()).matrices().size();
    }

    /**
     * Layers {@code [from, to)} (clamped to the layer count) analyzed exactly as {@link #inspect} analyzes
     * them, with the same layer ids; the summary covers these layers only. For splitting one huge
     * checkpoint over tasks: concatenate the parts' layers in order and summarize with
     * {@link Summaries#of}. {@code skipped} is the whole checkpoint's list in every part.
     */
    public InspectResult inspectLayers(Checkpoint cp, int from, int to, Progress progress, String version) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("bad layer range [" + from + ", " + to + ")");
        }
        return inspect(cp, from, to, progress, version, false);
    }

    private InspectResult inspect(Checkpoint cp, int from, int to, Progress progress, String version, boolean hash) {
        long t0 = System.nanoTime();
        String started = Instant.now().toString();
        Discovery d = options.filter().apply(LayerDiscovery.discover(cp, options.conv(), options.splits()));
        List<WeightMatrix> all = d.matrices();
        int first = Math.min(from, all.size());
        List<WeightMatrix> ms = all.subList(first, Math.min(to, all.size()));
        DenseBackend calls = backend.withMaxThreads(blasThreads > 0 ? blasThreads
                : Math.max(1, Runtime.getRuntime().availableProcessors() / options.threads()));
        LayerAnalyzer analyzer = new LayerAnalyzer(new EsdCalculator(calls, options.precision()), options);
        long totalWork = ms.stream().mapToLong(Inspector::cost).sum();
        progress.start("inspect", totalWork);
        List<LayerAnalyzer.Outcome> outcomes = new ArrayList<>();
        MemoryBudget budget = MemoryBudget.ofHeap();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "loupe-inspect");
            t.setDaemon(true);
            return t;
        });
        try (ReadAhead readAhead = new ReadAhead()) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < ms.size(); i++) {
                order.add(i);
            }
            order.sort((a, b) -> Long.compare(cost(ms.get(b)), cost(ms.get(a))));
            @SuppressWarnings("unchecked")
            Future<LayerAnalyzer.Outcome>[] futures = new Future[ms.size()];
            SideWork side = new SideWork();
            CountDownLatch layersLeft = new CountDownLatch(ms.size());
            for (int k = 0; k < order.size(); k++) {
                int i = order.get(k);
                // the pool starts layers in this order: the layer `threads` places on is this worker's next one
                WeightMatrix next = k + options.threads() < order.size() ? ms.get(order.get(k + options.threads())) : null;
                futures[i] = pool.submit(() -> {
                    if (next != null) {
                        readAhead.prefetch(next);
                    }
                    try {
                        String sketch = sketchReason(ms.get(i), budget.totalBytes());
                        long bytes = budget.acquire(sketch == null ? workingBytes(ms.get(i)) : sketchBytes(ms.get(i)));
                        try {
                            long cost = cost(ms.get(i));
                            long[] reported = {0}; // this worker's thread only
                            LayerAnalyzer.Outcome o = analyzer.analyze(first + i, ms.get(i), sketch, side, f -> {
                                // a long layer moves the bar at its Gram and eigenvalues (an fp64 redo reports nothing new)
                                long upTo = Math.min(cost - 1, (long) (f * cost));
                                if (upTo > reported[0]) {
                                    progress.advanceWithin(upTo - reported[0]);
                                    reported[0] = upTo;
                                }
                            });
                            progress.advance(cost - reported[0]);
                            return o;
                        } catch (ArithmeticException e) { // NaN/Inf weights: a damaged checkpoint, not a bug
                            throw new LoupeException(ms.get(i).tensor().file(), "layer '" + ms.get(i).name() + "': "
                                    + e.getMessage());
                        } finally {
                            budget.release(bytes);
                        }
                    } finally {
                        layersLeft.countDown();
                    }
                });
            }
            // queued behind every layer: a worker reaches one only when no layer is left to start
            for (int t = 1; t < options.threads(); t++) {
                pool.submit(() -> {
                    side.help(layersLeft);
                    return null;
                });
            }
            for (Future<LayerAnalyzer.Outcome> f : futures) {
                outcomes.add(SideWork.result(f));
            }
        } finally {
            pool.shutdownNow();
            progress.done();
        }
        List<LayerMetrics> metrics = outcomes.stream().map(LayerAnalyzer.Outcome::metrics).toList();
        List<LayerSpectrum> spectra = outcomes.stream().map(LayerAnalyzer.Outcome::spectrum).toList();
        Path src = cp.source();
        Provenance p = new Provenance(src.toString(), cp.format().name(), Checkpoints.fileBytes(src),
                hash && Files.isRegularFile(src) ? sha256(src) : "", backend.name(), options.precision().label(),
                version, options.seed(), options.threads(), options.describe(), started,
                (System.nanoTime() - t0) / 1e9, System.getProperty("java.version"), HeapPeak.bytes(),
                Runtime.getRuntime().maxMemory());
        return new InspectResult(p, Summaries.of(metrics), metrics, spectra, d.skipped());
    }

    /**
     * Why a layer gets a partial ESD: asked for ({@code --sketch K}, layers with more than K eigenvalues),
     * or forced because the exact ESD cannot be computed here (the layer is reported, never dropped).
     */
    String sketchReason(WeightMatrix m, long budgetBytes) {
        if (m.rf() != 1) {
            return null;
        }
        long elements = (long) m.rows() * m.cols();
        if (elements > Integer.MAX_VALUE - 16) {
            return "too large for one Java array: " + elements + " elements, streamed from the file";
        }
        if (workingBytes(m) > budgetBytes) {
            return String.format(java.util.Locale.ROOT, "over the memory budget: exact ESD needs %.1f GiB of %.1f GiB",
                    workingBytes(m) / (double) (1L << 30), budgetBytes / (double) (1L << 30));
        }
        int k = options.sketchTopK();
        return k > 0 && m.numEvals() > k ? "--sketch " + k : null;
    }

    /** Heap of a sketched layer: its floats (when decoded) and the Lanczos basis. */
    long sketchBytes(WeightMatrix m) {
        long elements = (long) m.rows() * m.cols();
        int k = options.sketchTopK() > 0 ? options.sketchTopK() : SketchAnalyzer.DEFAULT_K;
        long basis = Math.min(m.M(), 4L * k + 64) * m.M() * 8;
        return (elements > Integer.MAX_VALUE - 16 ? 0 : elements * 4) + basis
                + (options.sketchCheck() ? workingBytes(m) : 0);
    }

    /** Work estimate: Gram flops ~ N·M² per slice plus the eigensolver ~ M³. */
    static long cost(WeightMatrix m) {
        return Math.max(1, m.rf() * EsdCalculator.work(m.N(), m.M()) / 1_000_000);
    }

    /**
     * Heap a layer needs at once: the decoded floats (twice for conv slices), their double copy in
     * fp64, the Gram matrix and the eigensolver's workspace (~2 more M×M).
     */
    long workingBytes(WeightMatrix m) {
        long n = (long) m.rows() * m.cols() * m.rf() + (m.part() != null ? m.tensor().numel() : 0);
        long mm = (long) m.M() * m.M() * m.rf();
        // auto may recompute a layer in double
        long elem = options.precision() == dev.loupe.spectral.esd.Precision.FP32 ? 4 : 8;
        return n * 4 * (m.rf() > 1 ? 2 : 1) + (elem == 8 ? n * 8 : 0) + 3 * mm * elem;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new LoupeException(file, "cannot read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
