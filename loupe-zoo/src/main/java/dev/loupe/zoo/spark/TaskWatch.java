package dev.loupe.zoo.spark;

import dev.loupe.core.progress.Progress;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches the analysis job from the driver's listener bus: one unit of progress per successful task,
 * the failed attempts Spark retried (with the first one's reason, so a machine that cannot see the
 * files is named, not hidden), and the executors going away: with none left for
 * {@link #LOST_SECONDS} the job is cancelled, since Spark would otherwise wait for new ones forever.
 * <p>
 * Progress from the listener was chosen over collecting results incrementally (toLocalIterator runs
 * partitions one job at a time, losing the parallelism) and works unchanged on a cluster, since
 * task-end events always reach the driver. Registered only around the analysis job.
 */
public final class TaskWatch extends SparkListener implements AutoCloseable {
    static final int LOST_SECONDS = 60;

    private final SparkContext sc;
    private final Progress progress;
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final AtomicReference<String> lastLoss = new AtomicReference<>();
    private final AtomicReference<String> lost = new AtomicReference<>();
    private final Thread watchdog;

    public TaskWatch(SparkContext sc, Progress progress, boolean cluster) {
        this.sc = sc;
        this.progress = progress;
        sc.addSparkListener(this);
        watchdog = cluster ? Thread.ofPlatform().daemon().name("loupe-executor-watch").start(this::watch) : null;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo() != null && end.taskInfo().successful()) {
            progress.advance(1);
        } else if (end.taskInfo() != null) {
            failedAttempts.incrementAndGet();
            String why = end.reason() instanceof ExceptionFailure ef ? ef.className().replaceAll(".*\\.", "") + ": "
                    + ef.description() : end.reason().toString();
            firstFailure.compareAndSet(null, why.lines().findFirst().orElse(why) + " (executor "
                    + end.taskInfo().executorId() + " on " + end.taskInfo().host() + ")");
        }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        lastLoss.set("executor " + removed.executorId() + ": " + removed.reason());
    }

    private void watch() {
        long since = -1;
        while (!Thread.currentThread().isInterrupted()) {
            boolean none = sc.statusTracker().getExecutorInfos().length < 2;
            long now = System.nanoTime();
            if (!none) {
                since = -1;
            } else if (since < 0) {
                since = now;
            } else if (now - since > LOST_SECONDS * 1_000_000_000L) {
                String last = lastLoss.get();
                lost.set("every Spark executor was lost and none came back within " + LOST_SECONDS + " s"
                        + (last == null ? "" : " (last: " + last + ")"));
                sc.cancelAllJobs();
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Task attempts that failed (and were retried, or failed the job). */
    public int failedAttempts() {
        return failedAttempts.get();
    }

    /** The first failed attempt's reason, or null. */
    public String firstFailure() {
        return firstFailure.get();
    }

    /** Why the watch cancelled the job, or null. */
    public String lost() {
        return lost.get();
    }

    @Override
    public void close() {
        sc.removeSparkListener(this);
        if (watchdog != null) {
            watchdog.interrupt();
        }
        progress.done();
    }
}
