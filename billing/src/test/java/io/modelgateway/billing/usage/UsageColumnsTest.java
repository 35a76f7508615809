package io.modelgateway.billing.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelgateway.billing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The one description of a usage record's columns agrees with the record (component order and types), with
 * the migrations ({@code usage_record} and {@code usage_dead_letter}), and round-trips every value.
 */
class UsageColumnsTest {

    @Test
    void theColumnsFollowTheRecordsComponentsInOrder() {
        var components = UsageRecord.class.getRecordComponents();
        assertThat(UsageColumns.ALL).hasSize(components.length);
        for (int i = 0; i < components.length; i++) {
            assertThat(UsageColumns.ALL.get(i).javaType())
                    .as(components[i].getName())
                    .isEqualTo(components[i].getType());
        }
        assertThat(UsageColumns.ALL.stream().map(UsageColumn::name).distinct()).hasSameSizeAs(UsageColumns.ALL);
        assertThat(UsageColumns.ALL.stream().map(UsageColumn::csvName).distinct())
                .hasSameSizeAs(UsageColumns.ALL);
    }

    @Test
    void everyColumnReadsItsOwnComponent() throws Exception {
        // each column's binary value, written alone and read back into its position, rebuilds the record: a
        // column reading another component would put that component's value in the wrong place
        for (UsageRecord r : UsageSamples.all()) {
            Object[] values = new Object[UsageColumns.ALL.size()];
            for (int i = 0; i < values.length; i++) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                UsageColumns.ALL.get(i).write(new DataOutputStream(bytes), r);
                values[i] = UsageColumns.ALL
                        .get(i)
                        .read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                assertThat(values[i])
                        .isEqualTo(r.getClass()
                                .getRecordComponents()[i]
                                .getAccessor()
                                .invoke(r));
            }
            assertThat(UsageColumns.record(values)).isEqualTo(r);
        }
    }

    @Test
    void aRecordRoundTripsThroughTheBinaryEncoding() throws Exception {
        for (UsageRecord r : UsageSamples.all()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            UsageColumns.write(new DataOutputStream(bytes), r);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
            assertThat(UsageColumns.read(in, UsageColumns.ALL.size())).isEqualTo(r);
            assertThat(in.available()).isZero();
        }
    }

    @Test
    void valuesThatAreNoRecordAreRefused() {
        Object[] values = new Object[UsageColumns.ALL.size()]; // all null: the request id may not be
        assertThatThrownBy(() -> UsageColumns.record(values)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMigrationsHaveEveryColumnWithItsTypeAndNullability() throws Exception {
        try (TestDatabase db = TestDatabase.h2();
                Connection c = db.dataSource.getConnection()) {
            Map<String, Column> record = columns(c.getMetaData(), "usage_record");
            assertThat(record.keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            UsageColumns.ALL.stream().map(UsageColumn::name).toList());
            Map<String, Column> deadLetter = columns(c.getMetaData(), "usage_dead_letter");
            for (UsageColumn u : UsageColumns.ALL) {
                Column col = Objects.requireNonNull(record.get(u.name()), u.name());
                assertThat(col.nullable()).as(u.name()).isEqualTo(u.nullable());
                assertThat(sqlType(col)).as(u.name()).isEqualTo(u.sqlType());
                Column dead = Objects.requireNonNull(deadLetter.get(u.name()), "usage_dead_letter." + u.name());
                assertThat(dead.nullable()).as("usage_dead_letter." + u.name()).isEqualTo(u.nullable());
            }
        }
    }

    record Column(String type, int size, boolean nullable) {}

    static Map<String, Column> columns(DatabaseMetaData meta, String table) throws Exception {
        Map<String, Column> columns = new HashMap<>();
        try (ResultSet rs = meta.getColumns(null, null, table, null)) {
            while (rs.next()) {
                columns.put(
                        rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT),
                        new Column(
                                rs.getString("TYPE_NAME"),
                                rs.getInt("COLUMN_SIZE"),
                                rs.getInt("NULLABLE") == DatabaseMetaData.columnNullable));
            }
        }
        assertThat(columns).as(table).isNotEmpty();
        return columns;
    }

    /** H2's names for the DDL types the columns declare. */
    static String sqlType(Column c) {
        return switch (c.type()) {
            case "CHARACTER VARYING" -> "VARCHAR(" + c.size() + ")";
            case "TIMESTAMP WITH TIME ZONE", "INTEGER", "BIGINT", "BOOLEAN" -> c.type();
            default -> c.type() + "?";
        };
    }

    @Test
    void theCsvHeaderAndTheSqlListNameEveryColumnInOrder() {
        assertThat(UsageColumns.NAMES.split(", "))
                .containsExactlyElementsOf(
                        UsageColumns.ALL.stream().map(UsageColumn::name).toList());
        assertThat(UsageColumns.CSV_HEADER).endsWith("\r\n");
        assertThat(List.of(UsageColumns.CSV_HEADER.strip().split(",")))
                .containsExactlyElementsOf(
                        UsageColumns.ALL.stream().map(UsageColumn::csvName).toList());
        assertThat(UsageColumns.PARAMETERS.chars().filter(ch -> ch == '?')).hasSize(UsageColumns.ALL.size());
    }
}
