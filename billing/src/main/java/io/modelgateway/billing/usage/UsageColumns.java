package io.modelgateway.billing.usage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The columns of a usage record, in the order of {@link UsageRecord}'s components: the one description the
 * spool's binary groups, the JDBC insert and read, PostgreSQL's {@code COPY}, the dead-letter table and file
 * and the records CSV all iterate. Adding a field: a component on {@link UsageRecord}, its column at the same
 * position here, and a migration adding it to {@code usage_record} and {@code usage_dead_letter}
 * ({@code UsageColumnsTest} checks all three agree). See CONTRIBUTING, "Add a usage-record field".
 */
public final class UsageColumns {

    /** Every column, in the record's component order. */
    public static final List<UsageColumn> ALL = List.of(
            UsageColumn.text("request_id", "request_id", 64, UsageRecord::requestId),
            UsageColumn.text("tenant_id", "project_id", 64, UsageRecord::tenant),
            UsageColumn.text("api_key_id", "api_key_id", 200, UsageRecord::apiKeyId),
            UsageColumn.text("deployment", "model", 200, UsageRecord::deployment),
            UsageColumn.text("model", "backend_model", 200, UsageRecord::model),
            UsageColumn.text("operation", "operation", 32, UsageRecord::operation),
            UsageColumn.integer("input_tokens", "input_tokens", UsageRecord::inputTokens),
            UsageColumn.integer("cached_input_tokens", "input_cached_tokens", UsageRecord::cachedInputTokens),
            UsageColumn.integer("output_tokens", "output_tokens", UsageRecord::outputTokens),
            UsageColumn.bool("estimated", "estimated", UsageRecord::estimated),
            UsageColumn.micros("cost_micros", "cost", UsageRecord::costMicros),
            UsageColumn.bigint("price_version", "price_version", UsageRecord::priceVersion),
            UsageColumn.text("outcome", "outcome", 16, UsageRecord::outcome),
            UsageColumn.integer("status", "status", UsageRecord::status),
            UsageColumn.time("started_at", "started_at", UsageRecord::startedAt),
            UsageColumn.optionalTime("first_token_at", "first_token_at", UsageRecord::firstTokenAt),
            UsageColumn.time("ended_at", "ended_at", UsageRecord::endedAt));

    /** The column names, comma-separated, for a column list in SQL. */
    public static final String NAMES = ALL.stream().map(UsageColumn::name).collect(Collectors.joining(", "));

    /** One row of parameters, {@code (?, ?, ...)}, in the order of {@link #NAMES}. */
    public static final String PARAMETERS = "(" + "?, ".repeat(ALL.size() - 1) + "?)";

    /** The records CSV's header row (with its CRLF). */
    public static final String CSV_HEADER =
            ALL.stream().map(UsageColumn::csvName).collect(Collectors.joining(",")) + "\r\n";

    private static final MethodHandle CONSTRUCTOR = constructor();

    private UsageColumns() {}

    /** The canonical constructor, spread over an array; fails at class load when the columns do not match it. */
    private static MethodHandle constructor() {
        RecordComponent[] components = UsageRecord.class.getRecordComponents();
        Class<?>[] types =
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        if (components.length != ALL.size()) {
            throw new IllegalStateException(
                    "UsageRecord has " + components.length + " components but UsageColumns " + ALL.size());
        }
        for (int i = 0; i < types.length; i++) {
            if (types[i] != ALL.get(i).javaType()) {
                throw new IllegalStateException("UsageRecord component " + components[i].getName() + " is a "
                        + types[i].getSimpleName() + ", its column " + ALL.get(i) + " reads a "
                        + ALL.get(i).javaType().getSimpleName());
            }
        }
        try {
            return MethodHandles.lookup()
                    .findConstructor(UsageRecord.class, MethodType.methodType(void.class, types))
                    .asSpreader(Object[].class, types.length);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A record from its column values (boxed, in column order).
     *
     * @throws IllegalArgumentException when a value is missing or of the wrong type
     */
    public static UsageRecord record(@Nullable Object[] values) {
        try {
            return (UsageRecord) CONSTRUCTOR.invokeExact(values);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a usage record: " + Arrays.toString(values), e);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes every column in the spool's binary encoding. */
    public static void write(DataOutput out, UsageRecord r) throws IOException {
        for (UsageColumn c : ALL) {
            c.write(out, r);
        }
    }

    /**
     * Reads a record {@link #write} wrote with the first {@code written} columns (fewer than today's when it was
     * spooled before later columns were added: those read as null, or 0, false, the empty string, the epoch
     * for a time that may not be null).
     */
    public static UsageRecord read(DataInput in, int written) throws IOException {
        @Nullable Object[] values = new Object[ALL.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < written ? ALL.get(i).read(in) : ALL.get(i).zero();
        }
        try {
            return record(values);
        } catch (IllegalArgumentException e) {
            throw new IOException("undecodable usage record", e);
        }
    }

    /** Binds every column from {@code index} on; returns the next free index. */
    public static int bind(PreparedStatement ps, int index, UsageRecord r) throws SQLException {
        for (UsageColumn c : ALL) {
            c.bind(ps, index++, r);
        }
        return index;
    }

    /** The record in the current row (columns by name). */
    public static UsageRecord read(ResultSet rs) throws SQLException {
        @Nullable Object[] values = new Object[ALL.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ALL.get(i).read(rs);
        }
        return record(values);
    }
}
