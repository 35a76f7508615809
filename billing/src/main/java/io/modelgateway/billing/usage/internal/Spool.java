package io.modelgateway.billing.usage.internal;

import io.modelgateway.billing.usage.UsageRecord;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A local durable spool of usage batches: one file per batch, named by a growing sequence number, so
 * replay keeps their order. A file is written under a temporary name, forced to disk and then renamed, so
 * after a crash a batch file is either complete (its checksum holds) or absent.
 */
public final class Spool implements AutoCloseable {

    private static final int MAGIC = 0x55534731; // "USG1"

    private final boolean fsync;
    private static final String SUFFIX = ".spool";

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;
    private long next;

    /** Opens (creates) the spool; one process at a time: a second one gets an {@link IllegalStateException}. */
    public Spool(Path dir) {
        this(dir, true);
    }

    /** @param fsync force every batch file to disk before it counts as written (else the OS's page cache holds it) */
    public Spool(Path dir, boolean fsync) {
        this.fsync = fsync;
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = tryLock(lockFile, dir);
            try (Stream<Path> tmp = Files.list(dir)) {
                for (Path p : tmp.filter(p -> p.toString().endsWith(".tmp")).toList()) {
                    Files.deleteIfExists(p); // never renamed: its batch was never acknowledged as spooled
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use spool directory " + dir, e);
        }
        List<Path> existing = pending();
        next = existing.isEmpty() ? 1 : sequence(existing.get(existing.size() - 1)) + 1;
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

    @Override
    public void close() {
        try {
            lock.release();
            lockFile.close();
        } catch (IOException e) {
            // the process is ending; the lock goes with it
        }
    }

    /** The batch files waiting, oldest first. */
    public List<Path> pending() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .sorted((a, b) -> Long.compare(sequence(a), sequence(b)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sequence(Path p) {
        String name = p.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    /** Writes a batch durably; returns its file. */
    public Path append(List<UsageRecord> batch) throws IOException {
        byte[] payload = encode(batch);
        CRC32 crc = new CRC32();
        crc.update(payload);
        Path target = dir.resolve(String.format("%020d", next++) + SUFFIX);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(16).putInt(MAGIC).putInt(payload.length).putLong(crc.getValue());
            head.flip();
            ch.write(new ByteBuffer[] {head, ByteBuffer.wrap(payload)});
            if (fsync) {
                ch.force(true);
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Reads a batch file back. */
    public List<UsageRecord> read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all);
        if (all.length < 16 || b.getInt() != MAGIC) {
            throw new IOException("not a spool file: " + file);
        }
        int length = b.getInt();
        long expected = b.getLong();
        CRC32 crc = new CRC32();
        crc.update(all, 16, length);
        if (length != all.length - 16 || crc.getValue() != expected) {
            throw new IOException("damaged spool file: " + file);
        }
        return decode(new DataInputStream(new java.io.ByteArrayInputStream(all, 16, length)));
    }

    public void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    /** Sets a file that cannot be read aside (renamed {@code .bad}) so it does not block the others. */
    public void quarantine(Path file) throws IOException {
        Files.move(file, file.resolveSibling(file.getFileName() + ".bad"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] encode(List<UsageRecord> batch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(batch.size() * 160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(batch.size());
            for (UsageRecord r : batch) {
                write(out, r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, UsageRecord r) throws IOException {
        out.writeUTF(r.requestId());
        out.writeUTF(r.tenant());
        out.writeUTF(r.apiKeyId());
        out.writeUTF(r.deployment());
        out.writeUTF(r.model());
        out.writeUTF(r.operation());
        out.writeInt(r.inputTokens());
        out.writeInt(r.cachedInputTokens());
        out.writeInt(r.outputTokens());
        out.writeBoolean(r.estimated());
        out.writeLong(r.costMicros());
        out.writeLong(r.priceVersion());
        out.writeUTF(r.outcome());
        out.writeInt(r.status());
        writeInstant(out, r.startedAt());
        writeInstant(out, r.firstTokenAt());
        writeInstant(out, r.endedAt());
    }

    private static void writeInstant(DataOutputStream out, Instant at) throws IOException {
        out.writeBoolean(at != null);
        if (at != null) {
            out.writeLong(at.getEpochSecond());
            out.writeInt(at.getNano());
        }
    }

    private static List<UsageRecord> decode(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<UsageRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(new UsageRecord(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF(),
                    in.readUTF(), in.readInt(), in.readInt(), in.readInt(), in.readBoolean(), in.readLong(),
                    in.readLong(), in.readUTF(), in.readInt(), readInstant(in), readInstant(in), readInstant(in)));
        }
        return records;
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }
}
