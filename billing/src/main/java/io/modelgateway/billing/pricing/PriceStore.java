package io.modelgateway.billing.pricing;

import io.modelgateway.billing.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** Price versions in the database (table {@code price_version}). Blocking: call it off the event loop. */
public final class PriceStore {

    private final DataSource dataSource;

    public PriceStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores a new version; empty when the deployment already has one effective at that same instant
     * (versions are never changed: post another one).
     */
    public Optional<Price> add(Price price, Instant now) throws SQLException {
        return Jdbc.inTransaction(dataSource, c -> {
            if (exists(c, price.deployment(), price.effectiveFrom())) {
                return Optional.empty();
            }
            return Optional.of(insert(c, price, now));
        });
    }

    private static boolean exists(Connection c, String deployment, Instant from) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM price_version WHERE deployment = ? AND effective_from = ?")) {
            ps.setString(1, deployment);
            Jdbc.setInstant(ps, 2, from);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Price insert(Connection c, Price p, Instant now) throws SQLException {
        String sql = "INSERT INTO price_version (deployment, effective_from, input_per_1m, cached_input_per_1m, "
                + "output_per_1m, per_request, currency, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
            ps.setString(1, p.deployment());
            Jdbc.setInstant(ps, 2, p.effectiveFrom());
            ps.setLong(3, p.inputPer1M());
            ps.setLong(4, p.cachedInputPer1M());
            ps.setLong(5, p.outputPer1M());
            ps.setLong(6, p.perRequest());
            ps.setString(7, p.currency());
            Jdbc.setInstant(ps, 8, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                long id = keys.getLong(1);
                return new Price(
                        id,
                        p.deployment(),
                        p.effectiveFrom(),
                        p.inputPer1M(),
                        p.cachedInputPer1M(),
                        p.outputPer1M(),
                        p.perRequest(),
                        p.currency());
            }
        }
    }

    /** Every version. */
    public PriceBook load() throws SQLException {
        List<Price> prices = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, deployment, effective_from, input_per_1m, "
                        + "cached_input_per_1m, output_per_1m, per_request, currency FROM price_version")) {
            while (rs.next()) {
                // effective_from is NOT NULL in the schema
                Instant from = Objects.requireNonNull(Jdbc.instant(rs, "effective_from"), "effective_from");
                prices.add(new Price(
                        rs.getLong("id"),
                        rs.getString("deployment"),
                        from,
                        rs.getLong("input_per_1m"),
                        rs.getLong("cached_input_per_1m"),
                        rs.getLong("output_per_1m"),
                        rs.getLong("per_request"),
                        rs.getString("currency")));
            }
        }
        return PriceBook.of(prices);
    }
}
