package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Several independent iterations over one Hessian (stochastic Lanczos quadrature's runs) advanced in lockstep: each
 * runs on a thread of its own and sees an operator whose {@link HessianVectorProduct#apply} waits until every run
 * still going has asked for its next product, then one {@link HessianVectorProduct#applyAll} answers them all (one
 * batched pass instead of one pass each). A run that finishes early leaves the group; the others go on without it.
 */
final class Lockstep {
    private final HessianVectorProduct h;
    private final Progress progress;
    private final List<double[]> pending = new ArrayList<>();
    private List<double[]> results;
    private RuntimeException failure;
    private long generation;
    private int active;

    private Lockstep(HessianVectorProduct h, int runs, Progress progress) {
        this.h = h;
        this.active = runs;
        this.progress = progress;
    }

    /**
     * {@code body} applied to each run's index and operator, {@link HessianVectorProduct#batch} runs (at most
     * {@code maxWave}) at a time in lockstep; the results in run order. With a wave of 1 the runs go one after another
     * on this thread.
     */
    static <T> List<T> run(HessianVectorProduct h, int runs, int maxWave, Progress progress,
                           BiFunction<Integer, HessianVectorProduct, T> body) {
        List<T> out = new ArrayList<>();
        int size = Math.max(1, Math.min(maxWave, h.batch()));
        for (int from = 0; from < runs; from += size) {
            int wave = Math.min(runs - from, size);
            if (wave == 1) {
                out.add(body.apply(from, counting(h, progress)));
                continue;
            }
            Lockstep group = new Lockstep(h, wave, progress);
            List<Thread> threads = new ArrayList<>();
            List<T> results = new ArrayList<>(java.util.Collections.nCopies(wave, null));
            RuntimeException[] failed = new RuntimeException[1];
            for (int r = 0; r < wave; r++) {
                int slot = r, run = from + r;
                threads.add(Thread.ofPlatform().name("loupe-lockstep-" + r).start(() -> {
                    try {
                        results.set(slot, body.apply(run, group.operator()));
                    } catch (RuntimeException e) {
                        synchronized (failed) {
                            failed[0] = failed[0] == null ? e : failed[0];
                        }
                    } finally {
                        group.leave();
                    }
                }));
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (failed[0] != null) {
                throw failed[0];
            }
            out.addAll(results);
        }
        return out;
    }

    /** h with a progress tick per product (what the lockstep group does per answered direction). */
    private static HessianVectorProduct counting(HessianVectorProduct h, Progress progress) {
        return operator(h.dimension(), v -> {
            double[] hv = h.apply(v);
            progress.advance(1);
            return hv;
        });
    }

    private HessianVectorProduct operator() {
        return operator(h.dimension(), this::submit);
    }

    private static HessianVectorProduct operator(int dimension, java.util.function.UnaryOperator<double[]> product) {
        return new HessianVectorProduct() {
            @Override
            public int dimension() {
                return dimension;
            }

            @Override
            public double[] apply(double[] v) {
                return product.apply(v);
            }
        };
    }

    private synchronized double[] submit(double[] v) {
        int slot = pending.size();
        pending.add(v);
        long mine = generation;
        if (pending.size() == active) {
            fire();
        }
        while (generation == mine) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results.get(slot);
    }

    private synchronized void leave() {
        active--;
        if (active > 0 && pending.size() == active) {
            fire();
        }
    }

    /** Answers every pending direction in one batched product (called with the lock held, the others waiting). */
    private void fire() {
        try {
            results = h.applyAll(List.copyOf(pending));
            progress.advance(pending.size());
        } catch (RuntimeException e) {
            failure = e;
        }
        pending.clear();
        generation++;
        notifyAll();
    }
}
