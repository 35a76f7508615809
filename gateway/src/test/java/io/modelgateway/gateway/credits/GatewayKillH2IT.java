package io.modelgateway.gateway.credits;

import java.util.Map;
import java.util.Set;

/**
 * SIGKILL under load on the embedded default: no store settings at all, so the gateway keeps its H2 file and
 * its spool under {@code ./data/} of its working directory, stores batches every 200 ms and H2 writes
 * committed transactions to its file lazily. After the kill the test reads the H2 file itself (what survived
 * on disk); after the restart has replayed the spool the gateway is stopped (SIGTERM: it drains and closes
 * H2) and the file is read again.
 */
class GatewayKillH2IT extends GatewayKill {

    private static String url() {
        return "jdbc:h2:file:" + work.resolve("data/gateway").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;IFEXISTS=TRUE";
    }

    @Override
    Map<String, String> storeProperties() {
        return Map.of();
    }

    @Override
    long storedAtKill() throws Exception {
        return count(url(), "sa", "SELECT COUNT(*) FROM usage_record"); // the connection closes H2 again
    }

    @Override
    Map<String, Long> recordsAfterRestart(int port, Set<String> completed) throws Exception {
        stopGracefully(); // the spool was replayed before and while serving; the stop also closes H2
        return records(url(), "sa");
    }

    @Override
    long rollupRequests() throws Exception {
        return count(url(), "sa", "SELECT COALESCE(SUM(requests), 0) FROM usage_daily");
    }
}
