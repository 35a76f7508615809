package io.modelgateway.billing.usage.internal;

import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageStore;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets aside a usage record the database refused for its content: in {@code usage_dead_letter}, or in the
 * {@link DeadLetterFile} when that table refuses it too. Counts them ({@link #count}).
 */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final UsageStore store;
    private final DeadLetterFile file;
    private final LongAdder count = new LongAdder();

    public DeadLetters(UsageStore store, DeadLetterFile file) {
        this.store = store;
        this.file = file;
    }

    /** Records set aside by this process (a record already in the table is not counted again). */
    public long count() {
        return count.sum();
    }

    /**
     * Sets the record aside.
     *
     * @throws SQLException the database could not be reached (the record stays in the spool; try again later)
     * @throws IOException the table refused it and the file cannot be written either
     */
    public void setAside(UsageRecord r, SQLException why) throws SQLException, IOException {
        try {
            if (store.deadLetter(r, why)) {
                count.increment();
                log.error(
                        "usage record {} of tenant {} refused by the database ({}: {}); set aside in "
                                + "usage_dead_letter",
                        r.requestId(),
                        r.tenant(),
                        why.getSQLState(),
                        why.getMessage());
            }
            return;
        } catch (SQLException e) {
            if (!StoreErrors.refusesContent(e)) {
                throw e;
            }
            log.error(
                    "usage record {} refused by the database and by usage_dead_letter ({}); set aside in {}",
                    r.requestId(),
                    e.getMessage(),
                    file.file());
        }
        try {
            file.append(r, why);
            count.increment();
        } catch (IOException e) {
            log.error("cannot write the dead-letter file {}; the record stays in the spool", file.file(), e);
            throw e;
        }
    }
}
