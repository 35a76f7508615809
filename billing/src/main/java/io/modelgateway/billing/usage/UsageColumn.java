package io.modelgateway.billing.usage;

import io.modelgateway.billing.Jdbc;
import io.modelgateway.billing.Micros;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * One column of a usage record: its names, its SQL type, how it is read from a {@link UsageRecord}, and its
 * encodings (binary for the spool, JDBC, and the text every text format starts from). The columns, in the
 * record's order, are {@link UsageColumns#ALL}; each format iterates them, so a field is described once.
 *
 * <p>Text: {@link #text} is the value as PostgreSQL's text input, JSON and CSV all take it (decimal numbers,
 * {@code true}/{@code false}, ISO-8601 UTC times, {@code null} for SQL NULL); each format adds its own quoting
 * and escaping, and JSON leaves unquoted what is not {@link #quoted}. CSV shows money in currency units
 * ({@link #csvText}).
 */
public abstract sealed class UsageColumn
        permits UsageColumn.TextColumn,
                UsageColumn.IntColumn,
                UsageColumn.LongColumn,
                UsageColumn.BoolColumn,
                UsageColumn.TimeColumn {

    private final String name;
    private final String csvName;
    private final String sqlType;
    private final boolean nullable;

    private UsageColumn(String name, String csvName, String sqlType, boolean nullable) {
        this.name = name;
        this.csvName = csvName;
        this.sqlType = sqlType;
        this.nullable = nullable;
    }

    /** A {@code VARCHAR(maxLength)} column, never null. */
    public static UsageColumn text(String name, String csvName, int maxLength, Function<UsageRecord, String> get) {
        return new TextColumn(name, csvName, maxLength, get);
    }

    /** An {@code INTEGER} column. */
    public static UsageColumn integer(String name, String csvName, ToIntFunction<UsageRecord> get) {
        return new IntColumn(name, csvName, get);
    }

    /** A {@code BIGINT} column. */
    public static UsageColumn bigint(String name, String csvName, ToLongFunction<UsageRecord> get) {
        return new LongColumn(name, csvName, false, get);
    }

    /** A {@code BIGINT} amount in micro-units, shown in currency units in CSV. */
    public static UsageColumn micros(String name, String csvName, ToLongFunction<UsageRecord> get) {
        return new LongColumn(name, csvName, true, get);
    }

    /** A {@code BOOLEAN} column. */
    public static UsageColumn bool(String name, String csvName, Predicate<UsageRecord> get) {
        return new BoolColumn(name, csvName, get);
    }

    /** A {@code TIMESTAMP WITH TIME ZONE} column, never null. */
    public static UsageColumn time(String name, String csvName, Function<UsageRecord, Instant> get) {
        return new TimeColumn(name, csvName, false, get::apply);
    }

    /** A {@code TIMESTAMP WITH TIME ZONE} column that may be null. */
    public static UsageColumn optionalTime(String name, String csvName, Function<UsageRecord, @Nullable Instant> get) {
        return new TimeColumn(name, csvName, true, get);
    }

    /** The column's name in {@code usage_record} and {@code usage_dead_letter} (and the dead-letter file). */
    public final String name() {
        return name;
    }

    /** The column's name in the records CSV (OpenAI's names where it has one). */
    public final String csvName() {
        return csvName;
    }

    /** Its type in {@code usage_record}'s DDL, e.g. {@code VARCHAR(64)}. */
    public final String sqlType() {
        return sqlType;
    }

    /** Whether the value may be null (SQL NULL). */
    public final boolean nullable() {
        return nullable;
    }

    /** The type of the {@link UsageRecord} component it reads. */
    public abstract Class<?> javaType();

    /** Whether JSON quotes {@link #text} (strings and times); numbers and booleans are bare. */
    public abstract boolean quoted();

    /** The value as text (see the class comment); {@code null} for SQL NULL. */
    public abstract @Nullable String text(UsageRecord r);

    /** The value as the records CSV shows it; {@code null} for an empty field. */
    public @Nullable String csvText(UsageRecord r) {
        return text(r);
    }

    /** Writes the value in the spool's binary encoding. */
    public abstract void write(DataOutput out, UsageRecord r) throws IOException;

    /** Reads a value {@link #write} wrote (boxed; null when the column is nullable and the value absent). */
    public abstract @Nullable Object read(DataInput in) throws IOException;

    /** The value of this column in a record spooled before the column existed (see {@link UsageColumns#read}). */
    abstract @Nullable Object zero();

    /** Sets the value as a statement parameter. */
    public abstract void bind(PreparedStatement ps, int index, UsageRecord r) throws SQLException;

    /** Reads the column by {@link #name} from the current row (boxed; null for SQL NULL). */
    public abstract @Nullable Object read(ResultSet rs) throws SQLException;

    @Override
    public String toString() {
        return name + " " + sqlType + (nullable ? "" : " NOT NULL");
    }

    static final class TextColumn extends UsageColumn {
        private final Function<UsageRecord, String> get;

        TextColumn(String name, String csvName, int maxLength, Function<UsageRecord, String> get) {
            super(name, csvName, "VARCHAR(" + maxLength + ")", false);
            this.get = get;
        }

        @Override
        public Class<?> javaType() {
            return String.class;
        }

        @Override
        public boolean quoted() {
            return true;
        }

        @Override
        public String text(UsageRecord r) {
            return get.apply(r);
        }

        @Override
        public void write(DataOutput out, UsageRecord r) throws IOException {
            out.writeUTF(get.apply(r));
        }

        @Override
        public Object read(DataInput in) throws IOException {
            return in.readUTF();
        }

        @Override
        Object zero() {
            return "";
        }

        @Override
        public void bind(PreparedStatement ps, int index, UsageRecord r) throws SQLException {
            ps.setString(index, get.apply(r));
        }

        @Override
        public @Nullable Object read(ResultSet rs) throws SQLException {
            return rs.getString(name());
        }
    }

    static final class IntColumn extends UsageColumn {
        private final ToIntFunction<UsageRecord> get;

        IntColumn(String name, String csvName, ToIntFunction<UsageRecord> get) {
            super(name, csvName, "INTEGER", false);
            this.get = get;
        }

        @Override
        public Class<?> javaType() {
            return int.class;
        }

        @Override
        public boolean quoted() {
            return false;
        }

        @Override
        public String text(UsageRecord r) {
            return Integer.toString(get.applyAsInt(r));
        }

        @Override
        public void write(DataOutput out, UsageRecord r) throws IOException {
            out.writeInt(get.applyAsInt(r));
        }

        @Override
        public Object read(DataInput in) throws IOException {
            return in.readInt();
        }

        @Override
        Object zero() {
            return 0;
        }

        @Override
        public void bind(PreparedStatement ps, int index, UsageRecord r) throws SQLException {
            ps.setInt(index, get.applyAsInt(r));
        }

        @Override
        public Object read(ResultSet rs) throws SQLException {
            return rs.getInt(name());
        }
    }

    static final class LongColumn extends UsageColumn {
        private final boolean micros;
        private final ToLongFunction<UsageRecord> get;

        LongColumn(String name, String csvName, boolean micros, ToLongFunction<UsageRecord> get) {
            super(name, csvName, "BIGINT", false);
            this.micros = micros;
            this.get = get;
        }

        @Override
        public Class<?> javaType() {
            return long.class;
        }

        @Override
        public boolean quoted() {
            return false;
        }

        @Override
        public String text(UsageRecord r) {
            return Long.toString(get.applyAsLong(r));
        }

        @Override
        public String csvText(UsageRecord r) {
            return micros ? Micros.format(get.applyAsLong(r)) : text(r);
        }

        @Override
        public void write(DataOutput out, UsageRecord r) throws IOException {
            out.writeLong(get.applyAsLong(r));
        }

        @Override
        public Object read(DataInput in) throws IOException {
            return in.readLong();
        }

        @Override
        Object zero() {
            return 0L;
        }

        @Override
        public void bind(PreparedStatement ps, int index, UsageRecord r) throws SQLException {
            ps.setLong(index, get.applyAsLong(r));
        }

        @Override
        public Object read(ResultSet rs) throws SQLException {
            return rs.getLong(name());
        }
    }

    static final class BoolColumn extends UsageColumn {
        private final Predicate<UsageRecord> get;

        BoolColumn(String name, String csvName, Predicate<UsageRecord> get) {
            super(name, csvName, "BOOLEAN", false);
            this.get = get;
        }

        @Override
        public Class<?> javaType() {
            return boolean.class;
        }

        @Override
        public boolean quoted() {
            return false;
        }

        @Override
        public String text(UsageRecord r) {
            return Boolean.toString(get.test(r));
        }

        @Override
        public void write(DataOutput out, UsageRecord r) throws IOException {
            out.writeBoolean(get.test(r));
        }

        @Override
        public Object read(DataInput in) throws IOException {
            return in.readBoolean();
        }

        @Override
        Object zero() {
            return false;
        }

        @Override
        public void bind(PreparedStatement ps, int index, UsageRecord r) throws SQLException {
            ps.setBoolean(index, get.test(r));
        }

        @Override
        public Object read(ResultSet rs) throws SQLException {
            return rs.getBoolean(name());
        }
    }

    /** Binary: a presence flag, then seconds and nanoseconds (the flag is written for required times too). */
    static final class TimeColumn extends UsageColumn {
        private final Function<UsageRecord, @Nullable Instant> get;

        TimeColumn(String name, String csvName, boolean nullable, Function<UsageRecord, @Nullable Instant> get) {
            super(name, csvName, "TIMESTAMP WITH TIME ZONE", nullable);
            this.get = get;
        }

        @Override
        public Class<?> javaType() {
            return Instant.class;
        }

        @Override
        public boolean quoted() {
            return true;
        }

        @Override
        public @Nullable String text(UsageRecord r) {
            Instant at = get.apply(r);
            return at == null ? null : at.toString(); // ISO-8601 UTC, e.g. 2026-03-01T10:00:00.123Z
        }

        @Override
        public void write(DataOutput out, UsageRecord r) throws IOException {
            Instant at = get.apply(r);
            out.writeBoolean(at != null);
            if (at != null) {
                out.writeLong(at.getEpochSecond());
                out.writeInt(at.getNano());
            }
        }

        @Override
        public @Nullable Object read(DataInput in) throws IOException {
            return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
        }

        @Override
        @Nullable
        Object zero() {
            return nullable() ? null : Instant.EPOCH;
        }

        @Override
        public void bind(PreparedStatement ps, int index, UsageRecord r) throws SQLException {
            Jdbc.setInstant(ps, index, get.apply(r));
        }

        @Override
        public @Nullable Object read(ResultSet rs) throws SQLException {
            return Jdbc.instant(rs, name());
        }
    }
}
