package dev.loupe.core.format.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Writes a copy of a protobuf file with some fields replaced, removed or inserted, streaming: bytes
 * outside the edits are copied from the mapped source, and the length prefix of every message
 * around an edit is re-encoded (innermost first, since a longer varint grows its parent too).
 * Memory use is the edit headers only; the weights themselves stream from their segments.
 */
final class Splicer {
    private static final int CHUNK = 1 << 20;

    /** Bytes {@code [start, end)} of the source, inside message {@code in}, become {@code pieces}. */
    record Edit(long start, long end, Envelope in, List<MemorySegment> pieces) {
        long newLength() {
            return pieces.stream().mapToLong(MemorySegment::byteSize).sum();
        }
    }

    private final MemorySegment source;
    private final List<Edit> edits = new ArrayList<>();

    Splicer(MemorySegment source) {
        this.source = source;
    }

    void add(Edit e) {
        edits.add(e);
    }

    /** The final list of edits including re-encoded length prefixes, sorted and checked not to overlap. */
    List<Edit> plan() {
        Map<Envelope, Long> delta = new HashMap<>();
        PriorityQueue<Envelope> queue = new PriorityQueue<>(Comparator.comparingInt(Envelope::depth).reversed());
        List<Edit> all = new ArrayList<>(edits);
        for (Edit e : edits) {
            if (e.in() != null && !delta.containsKey(e.in())) {
                queue.add(e.in());
            }
            if (e.in() != null) {
                delta.merge(e.in(), e.newLength() - (e.end() - e.start()), Long::sum);
            }
        }
        while (!queue.isEmpty()) {
            Envelope env = queue.poll();
            long d = delta.get(env);
            long newLen = env.contentEnd() - env.contentStart() + d;
            MemorySegment prefix = ProtoEncoder.varint(newLen);
            all.add(new Edit(env.lenStart(), env.contentStart(), env.parent(), List.of(prefix)));
            Envelope parent = env.parent();
            if (parent != null) {
                if (!delta.containsKey(parent)) {
                    queue.add(parent);
                }
                delta.merge(parent, d + prefix.byteSize() - (env.contentStart() - env.lenStart()), Long::sum);
            }
        }
        // At one position: insertions before replacements, and the innermost message's insertions first
        // (a position can be both the end of a nested message and a field boundary outside it). The sort is
        // stable, so insertions into one message keep the order they were added in.
        all.sort(Comparator.comparingLong(Edit::start).thenComparingLong(e -> e.end() - e.start())
                .thenComparingInt(e -> e.in() == null ? Integer.MAX_VALUE : -e.in().depth()));
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i).start() < all.get(i - 1).end()) {
                throw new IllegalStateException("overlapping edits at byte " + all.get(i).start());
            }
        }
        return all;
    }

    /** Size of the output for a plan. */
    long outputSize(List<Edit> plan) {
        long size = source.byteSize();
        for (Edit e : plan) {
            size += e.newLength() - (e.end() - e.start());
        }
        return size;
    }

    void write(List<Edit> plan, OutputStream out) throws IOException {
        byte[] buf = new byte[CHUNK];
        long pos = 0;
        for (Edit e : plan) {
            copy(source, pos, e.start() - pos, buf, out);
            for (MemorySegment p : e.pieces()) {
                copy(p, 0, p.byteSize(), buf, out);
            }
            pos = e.end();
        }
        copy(source, pos, source.byteSize() - pos, buf, out);
    }

    private static void copy(MemorySegment s, long from, long len, byte[] buf, OutputStream out) throws IOException {
        for (long done = 0; done < len; ) {
            int n = (int) Math.min(buf.length, len - done);
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, from + done, buf, 0, n);
            out.write(buf, 0, n);
            done += n;
        }
    }
}
