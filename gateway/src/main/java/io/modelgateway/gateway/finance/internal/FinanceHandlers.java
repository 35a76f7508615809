package io.modelgateway.gateway.finance.internal;

import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.billing.report.BucketWidth;
import io.modelgateway.billing.report.CostQuery;
import io.modelgateway.billing.report.CostReports;
import io.modelgateway.billing.report.Csv;
import io.modelgateway.billing.report.Reconciliation;
import io.modelgateway.billing.report.RecordCursor;
import io.modelgateway.billing.report.ReportPage;
import io.modelgateway.billing.report.Statement;
import io.modelgateway.billing.report.StatementCsv;
import io.modelgateway.billing.report.Statements;
import io.modelgateway.billing.report.UsageGroup;
import io.modelgateway.billing.report.UsageKind;
import io.modelgateway.billing.report.UsageQuery;
import io.modelgateway.billing.report.UsageReports;
import io.modelgateway.billing.report.UsageRow;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The finance endpoints. Parameters are checked on the calling thread; every database read runs on the
 * finance JDBC scheduler. CSV ({@code format=csv} or {@code Accept: text/csv}) covers the whole range,
 * streamed page by page; JSON is one page as OpenAI pages it.
 */
public final class FinanceHandlers {

    static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");
    /** Groups OpenAI offers that we have no data for: accepted, their fields stay {@code null}. */
    private static final Set<String> ALWAYS_NULL = Set.of("user_id", "batch", "service_tier");
    /** A CSV export covers at most this many pages. */
    private static final int CSV_PAGES = 12;

    private final DataSource dataSource;
    private final PriceStore prices;
    private final Tenancy tenancy;
    private final Scheduler jdbc;
    private final Clock clock;
    private final String currency;
    private final UsageReports usage;
    private final CostReports costs;
    private final Statements statements;
    private final Reconciliation reconciliation;

    public FinanceHandlers(
            DataSource dataSource, PriceStore prices, Tenancy tenancy, Scheduler jdbc, Clock clock, String currency) {
        this.dataSource = dataSource;
        this.prices = prices;
        this.tenancy = tenancy;
        this.jdbc = jdbc;
        this.clock = clock;
        this.currency = currency;
        this.usage = new UsageReports(dataSource);
        this.costs = new CostReports(dataSource);
        this.statements = new Statements(dataSource, currency);
        this.reconciliation = new Reconciliation(dataSource);
    }

    public Mono<ServerResponse> completions(ServerRequest req) {
        return usage(req, UsageKind.COMPLETIONS);
    }

    public Mono<ServerResponse> embeddings(ServerRequest req) {
        return usage(req, UsageKind.EMBEDDINGS);
    }

    private Mono<ServerResponse> usage(ServerRequest req, UsageKind kind) {
        return Mono.fromCallable(() -> usageQuery(req, kind)).flatMap(q -> {
            if (Params.csv(req)) {
                return csv("usage-" + kind.value(), CsvStreams.of(Csv.USAGE_HEADER, usagePages(q), jdbc));
            }
            return blocking(() -> usage.usage(q)).flatMap(p -> json(Views.page(p, Views.usage(kind))));
        });
    }

    private UsageQuery usageQuery(ServerRequest req, UsageKind kind) {
        BucketWidth width = BucketWidth.parse(req.queryParam("bucket_width").orElse("1d"))
                .orElseThrow(() ->
                        ApiException.invalid("bucket_width", "invalid_value", "'bucket_width' must be 1m, 1h or 1d."));
        Instant start = width.floor(Params.time(req, "start_time"));
        Instant end = width.ceil(Params.time(req, "end_time", clock.instant()));
        if (!end.isAfter(start)) {
            throw ApiException.invalid("end_time", "invalid_value", "'end_time' must be after 'start_time'.");
        }
        Set<UsageGroup> groups = EnumSet.noneOf(UsageGroup.class);
        for (String g : Params.list(req, "group_by")) {
            if (!ALWAYS_NULL.contains(g)) {
                groups.add(UsageGroup.parse(g)
                        .orElseThrow(() -> ApiException.invalid(
                                "group_by",
                                "invalid_value",
                                "'group_by' takes project_id, api_key_id, model (and user_id, batch, service_tier).")));
            }
        }
        int limit = Params.integer(req, "limit", width.defaultLimit(), 1, width.maxLimit());
        if (Params.csv(req)) {
            checkCsvSpan(start, end, width.seconds(), width.maxLimit());
            limit = width.maxLimit();
        }
        Instant page = Params.page(req, start, end, width.seconds());
        return new UsageQuery(
                kind,
                start,
                end,
                width,
                groups,
                Params.tenants(req),
                Params.list(req, "api_key_ids"),
                Params.list(req, "models"),
                limit,
                page);
    }

    private static void checkCsvSpan(Instant start, Instant end, long width, int pageSize) {
        if ((end.getEpochSecond() - start.getEpochSecond()) / width > (long) pageSize * CSV_PAGES) {
            throw ApiException.invalid(
                    "end_time",
                    "range_too_large",
                    "A CSV export covers at most " + pageSize * CSV_PAGES + " buckets of this width.");
        }
    }

    private CsvStreams.Chunks usagePages(UsageQuery first) {
        Instant[] next = {first.pageStart()};
        return () -> {
            if (next[0] == null) {
                return null;
            }
            UsageQuery q = new UsageQuery(
                    first.kind(),
                    first.start(),
                    first.end(),
                    first.width(),
                    first.groupBy(),
                    first.tenants(),
                    first.apiKeys(),
                    first.models(),
                    first.limit(),
                    next[0]);
            ReportPage<UsageRow> page = usage.usage(q);
            next[0] = page.next();
            StringBuilder b = new StringBuilder();
            page.buckets().forEach(bucket -> Csv.usage(b, bucket));
            return b.toString();
        };
    }

    public Mono<ServerResponse> costs(ServerRequest req) {
        return Mono.fromCallable(() -> costQuery(req)).flatMap(q -> {
            if (Params.csv(req)) {
                return csv("costs", CsvStreams.of(Csv.COSTS_HEADER, costPages(q), jdbc));
            }
            return blocking(() -> costs.costs(q, prices.load()))
                    .flatMap(p -> json(Views.page(p, Views.cost(currency))));
        });
    }

    private CostQuery costQuery(ServerRequest req) {
        if (!req.queryParam("bucket_width").orElse("1d").equals("1d")) {
            throw ApiException.invalid(
                    "bucket_width", "invalid_value", "The costs report has daily buckets only: '1d'.");
        }
        BucketWidth day = BucketWidth.DAY;
        Instant start = day.floor(Params.time(req, "start_time"));
        Instant end = day.ceil(Params.time(req, "end_time", clock.instant()));
        if (!end.isAfter(start)) {
            throw ApiException.invalid("end_time", "invalid_value", "'end_time' must be after 'start_time'.");
        }
        boolean project = false;
        boolean lineItem = false;
        for (String g : Params.list(req, "group_by")) {
            switch (g) {
                case "project_id" -> project = true;
                case "line_item" -> lineItem = true;
                default ->
                    throw ApiException.invalid(
                            "group_by", "invalid_value", "'group_by' takes project_id and line_item.");
            }
        }
        int limit = Params.integer(req, "limit", CostQuery.DEFAULT_LIMIT, 1, CostQuery.MAX_LIMIT);
        if (Params.csv(req)) {
            checkCsvSpan(start, end, day.seconds(), CostQuery.MAX_LIMIT);
            limit = CostQuery.MAX_LIMIT;
        }
        return new CostQuery(
                start, end, project, lineItem, Params.tenants(req), limit, Params.page(req, start, end, day.seconds()));
    }

    private CsvStreams.Chunks costPages(CostQuery first) {
        Instant[] next = {first.pageStart()};
        return () -> {
            if (next[0] == null) {
                return null;
            }
            CostQuery q = new CostQuery(
                    first.start(),
                    first.end(),
                    first.groupByProject(),
                    first.groupByLineItem(),
                    first.tenants(),
                    first.limit(),
                    next[0]);
            var page = costs.costs(q, prices.load());
            next[0] = page.next();
            StringBuilder b = new StringBuilder();
            page.buckets().forEach(bucket -> Csv.costs(b, bucket, currency));
            return b.toString();
        };
    }

    /** The raw usage records of a range as CSV, read through a cursor. */
    public Mono<ServerResponse> records(ServerRequest req) {
        return Mono.fromCallable(() -> {
                    Instant start = Params.time(req, "start_time");
                    Instant end = Params.time(req, "end_time", clock.instant());
                    List<String> tenants = Params.tenants(req);
                    return CsvStreams.records(
                            () -> RecordCursor.open(dataSource, start, end, tenants, CsvStreams.ROWS), jdbc);
                })
                .flatMap(body -> csv("usage-records", body));
    }

    public Mono<ServerResponse> statement(ServerRequest req) {
        String tenant = req.pathVariable("tenant");
        return Mono.fromCallable(() -> period(req))
                .flatMap(period -> existing(tenant)
                        .then(blocking(() -> statements.stored(tenant, period)))
                        .flatMap(stored -> stored.isPresent()
                                ? statementBody(
                                        req, stored.get().json(), stored.get().csv(), tenant, period)
                                : blocking(() -> statements.compute(tenant, period, prices.load()))
                                        .flatMap(s ->
                                                statementBody(req, json(s), StatementCsv.render(s), tenant, period))));
    }

    public Mono<ServerResponse> close(ServerRequest req) {
        String tenant = req.pathVariable("tenant");
        return Mono.fromCallable(() -> period(req))
                .flatMap(period -> existing(tenant).then(blocking(() -> {
                    try {
                        return statements.close(
                                tenant,
                                period,
                                clock.instant(),
                                prices.load(),
                                FinanceHandlers::json,
                                StatementCsv::render);
                    } catch (IllegalStateException e) {
                        throw ApiException.periodNotEnded(period.toString());
                    }
                })))
                .flatMap(closed -> ServerResponse.status(closed.created() ? 201 : 200)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(closed.statement().json()));
    }

    public Mono<ServerResponse> reconciliation(ServerRequest req) {
        return Mono.fromCallable(() -> {
                    Instant start = Params.time(req, "start_time");
                    Instant end = Params.time(req, "end_time", clock.instant());
                    if (!end.isAfter(start)) {
                        throw ApiException.invalid(
                                "end_time", "invalid_value", "'end_time' must be after 'start_time'.");
                    }
                    return List.of(start, end);
                })
                .flatMap(range -> blocking(() ->
                        reconciliation.run(range.get(0), range.get(1), Params.list(req, "project_ids"), prices.load())))
                .flatMap(r -> json(Views.reconciliation(r)));
    }

    private static byte[] json(Statement s) {
        return Views.json(Views.statement(s));
    }

    private Mono<Void> existing(String tenant) {
        return tenancy.tenant(tenant)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("tenant", tenant)))
                .then();
    }

    private static YearMonth period(ServerRequest req) {
        String period = req.pathVariable("period");
        try {
            if (period.length() == 7) {
                return YearMonth.parse(period);
            }
        } catch (DateTimeParseException e) {
            // fall through
        }
        throw ApiException.invalid("period", "invalid_value", "The period must be a month: yyyy-mm.");
    }

    private static Mono<ServerResponse> statementBody(
            ServerRequest req, byte[] json, byte[] csv, String tenant, YearMonth period) {
        if (Params.csv(req)) {
            return ServerResponse.ok()
                    .contentType(CSV)
                    .header(
                            HttpHeaders.CONTENT_DISPOSITION,
                            "attachment; filename=\"statement-" + tenant + "-" + period + ".csv\"")
                    .bodyValue(csv);
        }
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json);
    }

    private <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(jdbc);
    }

    private static Mono<ServerResponse> json(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(Views.json(body));
    }

    private static Mono<ServerResponse> csv(String name, Flux<DataBuffer> body) {
        return ServerResponse.ok()
                .contentType(CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + ".csv\"")
                .body(BodyInserters.fromDataBuffers(body));
    }
}
