package io.modelgateway.billing.usage.internal;

import io.modelgateway.billing.usage.UsageColumns;
import io.modelgateway.billing.usage.UsageRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local durable spool of usage groups: an append-only log of segment files ({@code <sequence>.log}), each a
 * run of groups {@code [magic][payload length][CRC32C of payload][payload]}; the payload is the record count
 * and each record's {@link UsageColumns} in their binary encoding, the magic says how many columns (so a
 * group spooled before a column was added still replays). A group counts as written once
 * {@link #append} returns (with {@code fsync}: forced to the disk, and a new segment's directory entry too).
 *
 * <p>After a crash the last group of the last segment may be torn (cut anywhere, or holding garbage):
 * {@link #replay} reads each segment up to its first group whose length or checksum does not hold and ignores
 * the rest. A group is acknowledged only after its bytes are written, so what is ignored was never
 * acknowledged. A new process never appends to an old segment; it starts a new one.
 *
 * <p>The writer reports groups stored ({@link #stored}); a segment no longer appended to whose groups are all
 * stored is {@link #deleteStored deleted}. Thread-safety: one thread at a time appends (the
 * same one or, handed over with a happens-before edge, another), another reports and deletes.
 */
public final class Spool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final int MAGIC = 0x55534732; // "USG2": a group of the 17 columns the format started with
    private static final int USG2_COLUMNS = 17;
    private static final int MAGIC_PREFIX = 0x55530000; // "US" and the number of columns (see #magic)
    private static final int HEADER = 12;
    private static final String SUFFIX = ".log";
    /** Segments roll over at this size (or as soon as everything in them is stored). */
    public static final long SEGMENT_BYTES = 8L << 20;

    /** A group read back from a segment a previous process left. */
    public record Group(long segment, List<UsageRecord> records) {}

    /** A segment's valid groups and the bytes after them that were ignored (a torn or damaged tail). */
    public record Replay(long segment, List<Group> groups, long ignoredBytes) {}

    /** Groups appended to a segment and groups stored from it; sealed once nothing more is appended. */
    private static final class Counts {
        int appended;
        int stored;
        boolean sealed;
    }

    private final Path dir;
    private final boolean fsync;
    private final long segmentBytes;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final TreeMap<Long, Counts> counts = new TreeMap<>(); // guarded by this
    private final List<Long> previous; // segments a previous process left, oldest first
    private @Nullable FileChannel current; // appending thread only
    private long currentSegment;
    private long currentSize;
    private long next;

    /** Opens (creates) the spool, forcing every group to disk. */
    public Spool(Path dir) {
        this(dir, true);
    }

    /** @param fsync force every group (and each new segment's directory entry) to disk before it counts as written */
    public Spool(Path dir, boolean fsync) {
        this(dir, fsync, SEGMENT_BYTES);
    }

    /** One process at a time: a second one gets an {@link IllegalStateException}. */
    public Spool(Path dir, boolean fsync, long segmentBytes) {
        this.dir = dir;
        this.fsync = fsync;
        this.segmentBytes = segmentBytes;
        try {
            Files.createDirectories(dir);
            lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = tryLock(lockFile, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use spool directory " + dir, e);
        }
        List<Long> existing = segments();
        next = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
        convertLegacy();
        previous = segments();
    }

    /**
     * Rewrites the batch files of the spool's earlier format (one {@code .spool} file per group, CRC32) as
     * groups of a segment, so an upgrade after a crash loses nothing; unreadable ones are left as they are.
     */
    private void convertLegacy() {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> legacy =
                    files.filter(p -> p.toString().endsWith(".spool")).sorted().toList();
            for (Path file : legacy) {
                byte[] all = Files.readAllBytes(file);
                ByteBuffer b = ByteBuffer.wrap(all);
                if (all.length < 16 || b.getInt() != 0x55534731 || b.getInt() != all.length - 16) {
                    log.error("usage spool file {} of the earlier format is damaged; left as it is", file);
                    continue;
                }
                long expected = b.getLong();
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(all, 16, all.length - 16);
                if (crc.getValue() != expected) {
                    log.error("usage spool file {} of the earlier format is damaged; left as it is", file);
                    continue;
                }
                append(decode(all, 16, all.length - 16, USG2_COLUMNS));
                Files.delete(file);
            }
            seal();
            synchronized (this) {
                counts.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot convert the usage spool in " + dir, e);
        }
    }

    private static FileLock tryLock(FileChannel channel, Path dir) throws IOException {
        FileLock l;
        try {
            l = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            channel.close();
            throw new IllegalStateException("usage spool " + dir + " is in use by another writer; give each "
                    + "gateway process its own spool directory");
        }
        return l;
    }

    /** Whether every group is forced to disk before {@link #append} returns. */
    public boolean forced() {
        return fsync;
    }

    /** The directory this spool lives in. */
    public Path dir() {
        return dir;
    }

    /** The segments a previous process left, oldest first (read each with {@link #replay}). */
    public List<Long> previous() {
        return previous;
    }

    /** Segment files in the directory, oldest first. */
    public List<Long> segments() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(SUFFIX))
                    .map(n -> Long.parseLong(n.substring(0, n.length() - SUFFIX.length())))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the valid groups of a segment a previous process left and registers them as appended (the segment
     * is deleted once they are all {@link #stored}). A torn or damaged tail is ignored (and logged).
     */
    public Replay replay(long segment) throws IOException {
        byte[] all = Files.readAllBytes(file(segment));
        ByteBuffer b = ByteBuffer.wrap(all);
        List<Group> groups = new ArrayList<>();
        while (b.remaining() >= HEADER) {
            int start = b.position();
            int columns = columns(b.getInt());
            int length = b.getInt();
            int crc = b.getInt();
            if (columns < 0 || length < 0 || length > b.remaining() || crc32c(all, b.position(), length) != crc) {
                b.position(start);
                break;
            }
            try {
                groups.add(new Group(segment, decode(all, b.position(), length, columns)));
            } catch (IOException e) {
                b.position(start); // a checksum that holds over bytes that do not decode: treat as damaged
                break;
            }
            b.position(b.position() + length);
        }
        long ignored = b.remaining();
        if (ignored > 0) {
            log.warn(
                    "usage spool segment {}: {} bytes after the last whole group ignored (a write cut short by a "
                            + "crash; never acknowledged)",
                    file(segment),
                    ignored);
        }
        synchronized (this) {
            Counts c = counts.computeIfAbsent(segment, s -> new Counts());
            c.appended = groups.size();
            c.sealed = true;
        }
        return new Replay(segment, groups, ignored);
    }

    /**
     * Writes a group (one thread at a time); returns the segment holding it. When this throws, the segment is
     * sealed (its tail may be torn) and the next group goes to a new one.
     */
    public long append(List<UsageRecord> group) throws IOException {
        byte[] payload = encode(group);
        FileChannel channel = current;
        if (channel == null || currentSize >= segmentBytes || everythingStored(currentSegment)) {
            channel = roll();
        }
        ByteBuffer head = ByteBuffer.allocate(HEADER)
                .putInt(magic(UsageColumns.ALL.size()))
                .putInt(payload.length)
                .putInt(crc32c(payload, 0, payload.length))
                .flip();
        ByteBuffer body = ByteBuffer.wrap(payload);
        try {
            while (head.hasRemaining() || body.hasRemaining()) {
                channel.write(new ByteBuffer[] {head, body});
            }
            if (fsync) {
                channel.force(false);
            }
        } catch (IOException e) {
            seal();
            throw e;
        }
        currentSize += HEADER + payload.length;
        synchronized (this) {
            counts.computeIfAbsent(currentSegment, s -> new Counts()).appended++;
        }
        return currentSegment;
    }

    /** Reports groups of a segment stored in the database (the thread that stores). */
    public synchronized void stored(long segment, int groups) {
        Counts c = counts.get(segment);
        if (c != null) {
            c.stored += groups;
        }
    }

    /** Whether some segment could be deleted now (everything in it stored, nothing more to come). */
    public synchronized boolean anyDeletable() {
        return counts.values().stream().anyMatch(Spool::deletable);
    }

    /**
     * Deletes the segments whose groups are all stored and which take no more groups. Call it only once what
     * was reported {@link #stored} is durable in the database.
     */
    public void deleteStored() throws IOException {
        List<Long> done = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Map.Entry<Long, Counts>> it = counts.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Counts> e = it.next();
                if (deletable(e.getValue())) {
                    done.add(e.getKey());
                    it.remove();
                }
            }
        }
        for (long segment : done) {
            Files.deleteIfExists(file(segment));
        }
    }

    private static boolean deletable(Counts c) {
        return c.sealed && c.stored >= c.appended;
    }

    private synchronized boolean everythingStored(long segment) {
        Counts c = counts.get(segment);
        return c != null && c.appended > 0 && c.stored >= c.appended;
    }

    private FileChannel roll() throws IOException {
        seal();
        long segment = next++;
        FileChannel channel = FileChannel.open(file(segment), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        current = channel;
        currentSegment = segment;
        currentSize = 0;
        synchronized (this) {
            counts.put(segment, new Counts());
        }
        if (fsync) {
            forceDirectory();
        }
        return channel;
    }

    private void seal() {
        FileChannel channel = current;
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing usage spool segment {} failed", file(currentSegment), e);
        }
        current = null;
        synchronized (this) {
            Counts c = counts.get(currentSegment);
            if (c != null) {
                c.sealed = true;
            }
        }
    }

    /** Makes a new segment's directory entry durable (a file forced to disk is no use if its name is lost). */
    private void forceDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private Path file(long segment) {
        return dir.resolve(String.format("%020d", segment) + SUFFIX);
    }

    @Override
    public void close() {
        seal();
        try {
            lock.release();
            lockFile.close();
        } catch (IOException e) {
            // the process is ending; the lock goes with it
        }
    }

    private static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /**
     * The group magic for groups of {@code columns} columns: {@code USG2} for the 17 columns the format started
     * with, {@code "US"} and the count for more (a group spooled before a column was added is still read).
     */
    static int magic(int columns) {
        return columns == USG2_COLUMNS ? MAGIC : MAGIC_PREFIX | columns;
    }

    /** The number of columns a group with this magic holds; -1 when it is no group's magic. */
    static int columns(int magic) {
        if (magic == MAGIC) {
            return USG2_COLUMNS;
        }
        int columns = magic & 0xFFFF;
        return (magic & 0xFFFF0000) == MAGIC_PREFIX && columns > 0 && columns <= UsageColumns.ALL.size() ? columns : -1;
    }

    private static byte[] encode(List<UsageRecord> group) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(group.size() * 160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(group.size());
            for (UsageRecord r : group) {
                UsageColumns.write(out, r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static List<UsageRecord> decode(byte[] bytes, int offset, int length, int columns) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, offset, length));
        int count = in.readInt();
        if (count < 0 || count > length) {
            throw new IOException("bad record count " + count);
        }
        List<UsageRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            try {
                records.add(UsageColumns.read(in, columns));
            } catch (RuntimeException e) {
                throw new IOException("undecodable usage record", e);
            }
        }
        return records;
    }
}
