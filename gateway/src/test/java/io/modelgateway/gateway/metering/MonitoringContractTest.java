package io.modelgateway.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelgateway.gateway.GatewayTestBase;
import io.modelgateway.gateway.metering.internal.PoolGauges;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.PoolConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's dashboard and alert rules query only series that a real scrape has, and the scrape passes
 * {@code promtool check metrics}. Backend-pool series come from the same gauges bound to a real pool.
 */
@org.springframework.context.annotation.Import(io.modelgateway.gateway.pipeline.RefusingTestStage.class)
class MonitoringContractTest extends GatewayTestBase {

    private static final Path CHART_FILES = Path.of("../helm/model-gateway/files");
    private static final Pattern METRIC = Pattern.compile("\\b((?:gateway|gen_ai|hikaricp|http_server)_[a-z0-9_]+)\\b");

    /**
     * Series published by code on other branches (billing: credits and the usage writer; quotas: the Redis
     * fallback). Their names are {@link MetricNames} constants; remove each from here once its producer is
     * merged, and this test then demands it in the scrape.
     */
    private static final Set<String> AWAITING_PRODUCERS = Set.of(
            // only when gateway.tenancy.redis-url is set (ProbesTest scrapes them against a real Redis)
            "gateway_redis_up", "gateway_redis_latency_seconds_max");

    @Test
    void everySeriesTheDashboardAndTheAlertsQueryIsScraped() throws Exception {
        openAi().chat()
                .completions()
                .create(com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                        .model("echo")
                        .addUserMessage("contract")
                        .build());
        for (int refusal : new int[] {
            io.modelgateway.gateway.pipeline.RefusingTestStage.RATE_LIMITED,
            io.modelgateway.gateway.pipeline.RefusingTestStage.POLICY
        }) {
            try {
                openAi().chat()
                        .completions()
                        .create(com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                                .model("echo")
                                .addUserMessage("x")
                                .maxCompletionTokens(refusal)
                                .build());
            } catch (com.openai.errors.OpenAIServiceException expected) {
                // refusals for the quota and policy series
            }
        }
        try {
            openAi().chat()
                    .completions()
                    .create(com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                            .model("unreachable")
                            .addUserMessage("x")
                            .build());
        } catch (com.openai.errors.OpenAIServiceException expected) {
            // a 503 for the error series
        }
        billedCall();
        Set<String> scraped = new TreeSet<>(await().atMost(java.time.Duration.ofSeconds(10))
                .until(
                        () -> Scrape.of(managementUrl()).names(),
                        names -> names.contains("gateway_credit_balance_micros")));
        scraped.addAll(poolScrape().names());

        Set<String> queried = new TreeSet<>();
        queried.addAll(metricsIn(Files.readString(CHART_FILES.resolve("dashboard.json"))));
        queried.addAll(metricsIn(Files.readString(CHART_FILES.resolve("alerts.yaml"))));
        assertThat(queried).hasSizeGreaterThan(20);

        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(scraped);
        missing.removeAll(AWAITING_PRODUCERS);
        assertThat(missing).as("queried but never scraped").isEmpty();
        for (String name : AWAITING_PRODUCERS) {
            assertThat(declared()).as(name + " is named in MetricNames").contains(baseName(name));
        }
    }

    /** A call that holds and captures credits (for the credit series; the balance comes with the next check). */
    private void billedCall() {
        io.modelgateway.gateway.AdminClient admin = admin();
        admin.send("POST", "/prices/metered", "{\"input_per_1m\":\"1\",\"output_per_1m\":\"2\",\"effective_from\":1}");
        String tenant = "contract-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        admin.createTenant(tenant, "metered");
        admin.expect(201, "POST", "/tenants/" + tenant + "/credits/grants", "{\"amount\":\"5\"}");
        openAi(admin.issueKey(tenant))
                .chat()
                .completions()
                .create(com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                        .model("metered")
                        .addUserMessage("bill me")
                        .build());
    }

    @Test
    void theScrapePassesPromtoolCheckMetrics() throws Exception {
        Scrape scrape = Scrape.of(managementUrl());
        Process p = new ProcessBuilder("promtool", "check", "metrics")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write(scrape.text().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static Scrape poolScrape() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (BackendPool pool = BackendPool.create(
                PoolConfig.builder("contract", List.of("127.0.0.1:1")).build())) {
            new PoolGauges(registry, pool);
            return Scrape.parse(registry.scrape());
        }
    }

    private static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        String queries = text.replaceAll("\\{\\{[^}]*}}", "") // legend and annotation templates
                .replaceAll("\\bby\\s*\\([^)]*\\)", "") // grouping labels
                .replaceAll("\\b[a-z_]+\\s*(=~|!~|!=|=)\\s*\\\\?\"", "\""); // label matchers
        Matcher m = METRIC.matcher(queries);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Prometheus names of every MetricNames constant, without the suffixes the registry adds. */
    private static Set<String> declared() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (var f : MetricNames.class.getFields()) {
            names.add(((String) f.get(null)).replace('.', '_'));
        }
        return names;
    }

    private static String baseName(String prometheusName) {
        return prometheusName.replaceAll("_(total|max|seconds_max)$", "").replaceAll("_seconds$", "_seconds");
    }
}
