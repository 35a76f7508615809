package io.modelgateway.gateway.finance.internal;

import io.modelgateway.billing.report.Csv;
import io.modelgateway.billing.report.RecordCursor;
import io.modelgateway.billing.usage.UsageRecord;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * CSV as a stream of buffers, produced on demand on the finance JDBC scheduler: a record cursor (fetch
 * size {@value #ROWS}) or a report read page by page. Only one chunk is in memory at a time, the next read
 * only when the client took the last; a client that leaves closes the cursor (on the scheduler too).
 */
final class CsvStreams {

    static final int ROWS = 1000;
    private static final Logger log = LoggerFactory.getLogger(CsvStreams.class);

    private CsvStreams() {}

    /** One chunk of CSV, or {@code null} at the end. */
    @FunctionalInterface
    interface Chunks {
        String next() throws Exception;
    }

    /** A report read in pages: {@code header} first, then each chunk {@code pages} gives. */
    static Flux<DataBuffer> of(String header, Chunks pages, Scheduler jdbc) {
        Flux<String> chunks = Flux.generate(sink -> {
            try {
                String chunk = pages.next();
                if (chunk == null) {
                    sink.complete();
                } else {
                    sink.next(chunk);
                }
            } catch (Exception e) {
                sink.error(e);
            }
        });
        return Flux.concat(Flux.just(header), chunks.subscribeOn(jdbc)).map(CsvStreams::buffer);
    }

    /** The records a cursor reads, {@value #ROWS} to a chunk. */
    static Flux<DataBuffer> records(Callable<RecordCursor> open, Scheduler jdbc) {
        Flux<String> rows = Flux.generate(
                open,
                (cursor, sink) -> {
                    try {
                        List<UsageRecord> batch = cursor.next(ROWS);
                        if (batch.isEmpty()) {
                            sink.complete();
                        } else {
                            StringBuilder b = new StringBuilder(batch.size() * 200);
                            batch.forEach(r -> Csv.record(b, r));
                            sink.next(b.toString());
                        }
                    } catch (SQLException e) {
                        sink.error(e);
                    }
                    return cursor;
                },
                cursor -> jdbc.schedule(() -> close(cursor)));
        return Flux.concat(Flux.just(Csv.RECORDS_HEADER), rows.subscribeOn(jdbc))
                .map(CsvStreams::buffer);
    }

    private static void close(RecordCursor cursor) {
        try {
            cursor.close();
        } catch (SQLException e) {
            log.warn("closing a usage record cursor failed", e);
        }
    }

    private static DataBuffer buffer(String chunk) {
        return DefaultDataBufferFactory.sharedInstance.wrap(chunk.getBytes(StandardCharsets.UTF_8));
    }
}
