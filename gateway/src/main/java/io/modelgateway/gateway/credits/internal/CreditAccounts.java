package io.modelgateway.gateway.credits.internal;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One prepaid account per tenant: its balance (derived from the ledger: credit entries less captured usage)
 * and the holds open on it, on every replica at once. {@code available = balance - held}; it goes below zero
 * only when a capture exceeds its hold or a posting takes more than is left. Every operation is atomic and
 * keyed: a hold by its call's request id (capture and release of a call apply once), a posting by its
 * ledger entry. A missing account (first use, or Redis lost its data) is built from the ledger by the
 * function given at construction; captures and postings that find no account change nothing, because the
 * account built later from the ledger contains them.
 *
 * <p>Holds carry a deadline: a hold still open after it is released by the account itself (the call is
 * taken to be lost), and a capture that comes later debits its full cost.
 */
interface CreditAccounts extends AutoCloseable {

    /** Capture whatever the account's epoch: for costs that no hold covered. */
    long ANY_EPOCH = Long.MIN_VALUE;

    /**
     * Holds as much as is available, up to {@code most}, when at least {@code least} is; completes with the
     * amount held (and the account's epoch), or a refusal. Fails when the account cannot be reached.
     */
    CompletableFuture<Taken> hold(String tenant, String id, long most, long least, Instant deadline);

    /** Lowers an open hold to {@code amount}. Completes once applied (retried until then); never fails. */
    CompletableFuture<Void> resize(String tenant, String id, long amount);

    /**
     * Ends hold {@code id}: releases it and debits {@code cost} (a release is a capture of 0). Applies once
     * per id. When the hold is gone (it expired) the cost is debited all the same, unless the account was
     * built anew since the hold was taken ({@code epoch} differs: the ledger it was built from has it).
     * Completes once applied (retried until then); never fails.
     */
    CompletableFuture<Void> capture(String tenant, String id, long epoch, long cost);

    /** Applies a ledger entry ({@code key} unique to it) once. Completes once applied; never fails. */
    CompletableFuture<Void> post(String tenant, String key, long amount);

    /** The account now (built from the ledger when missing). Fails when it cannot be reached. */
    CompletableFuture<Snapshot> read(String tenant);

    /** The account now, or {@code null} when it does not exist (nothing is built). */
    CompletableFuture<Snapshot> peek(String tenant);

    /** Holds released by the accounts because they outlived their deadline (this replica's count). */
    long expiredHolds();

    @Override
    void close();

    /**
     * The accounts' rule for a hold: as much as is available up to {@code most}, when at least {@code least}
     * is; {@code -1} when refused. Every implementation applies it atomically (the Redis script spells it too).
     */
    static long takeable(long available, long most, long least) {
        long taken = Math.min(most, Math.max(available, 0));
        return taken < least ? -1 : taken;
    }

    /** A hold taken ({@code amount >= 0}) or refused ({@code amount < 0}). */
    record Taken(long amount, long epoch) {
        boolean refused() {
            return amount < 0;
        }
    }

    /**
     * An account: {@code version} counts its changes; {@code changedAt} (epoch milliseconds) is its last one.
     */
    record Snapshot(long balance, long held, long epoch, long version, long changedAt) {
        long available() {
            return balance - held;
        }
    }
}
