package io.modelgateway.gateway.credits.internal;

import io.modelgateway.billing.Micros;
import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.ledger.Posted;
import io.modelgateway.billing.ledger.Posting;
import io.modelgateway.gateway.credits.BillingProperties;
import io.modelgateway.gateway.runtime.LifecyclePhases;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * Before the web server starts (and after tenancy's startup, which waited for Flyway): loads the prices,
 * grants the demo tenant its starting credits once, and starts the periodic credit check.
 */
final class BillingStartup implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BillingStartup.class);

    private final Credits credits;
    private final Ledger ledger;
    private final BillingProperties properties;
    private final Clock clock;
    private final Scheduler jdbc;
    private final String demoTenant;
    private volatile Disposable checks;

    BillingStartup(
            Credits credits,
            Ledger ledger,
            BillingProperties properties,
            Clock clock,
            Scheduler jdbc,
            String demoTenant) {
        this.credits = credits;
        this.ledger = ledger;
        this.properties = properties;
        this.clock = clock;
        this.jdbc = jdbc;
        this.demoTenant = demoTenant;
    }

    @Override
    public void start() {
        try {
            credits.reloadPrices();
            long grant = Micros.parse(properties.demoGrant());
            if (demoTenant != null && grant > 0) {
                Posted p = ledger.post(
                        Posting.grant(
                                demoTenant,
                                grant,
                                "embedded-demo-grant",
                                null,
                                "starting credits of the embedded default"),
                        clock.instant());
                if (p.created()) {
                    log.info(
                            "demo tenant '{}' granted {} {}",
                            demoTenant,
                            properties.demoGrant(),
                            properties.currency());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("billing could not read its tables", e);
        }
        checks = Flux.interval(properties.checkInterval(), properties.checkInterval(), jdbc)
                .onBackpressureDrop()
                .subscribe(tick -> credits.check());
    }

    @Override
    public void stop() {
        Disposable d = checks;
        if (d != null) {
            d.dispose();
        }
        checks = null;
    }

    @Override
    public boolean isRunning() {
        return checks != null;
    }

    /** After tenancy's startup (which waits for the migrations), before the web server. */
    @Override
    public int getPhase() {
        return LifecyclePhases.BILLING;
    }
}
