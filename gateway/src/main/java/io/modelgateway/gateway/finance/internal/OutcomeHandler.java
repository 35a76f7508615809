package io.modelgateway.gateway.finance.internal;

import io.modelgateway.billing.report.BucketWidth;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.metering.outcome.OutcomeClass;
import io.modelgateway.gateway.metering.outcome.OutcomeQuery;
import io.modelgateway.gateway.metering.outcome.OutcomeReports;
import io.modelgateway.gateway.metering.outcome.OutcomeRow;
import io.modelgateway.gateway.tenancy.Scope;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code GET /v1/organization/usage/outcomes}: how model calls ended (ok, client_error, server_error, cancelled,
 * by error code) per bucket, in the Usage API's page shape and with its parameters. A tenant caller sees its own
 * tenant; requests refused before a tenant was known are seen by admin credentials only.
 */
public final class OutcomeHandler {

    private final OutcomeReports reports;
    private final Scheduler jdbc;
    private final Clock clock;

    public OutcomeHandler(DataSource dataSource, Scheduler jdbc, Clock clock) {
        this.reports = new OutcomeReports(dataSource);
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Mono<ServerResponse> outcomes(ServerRequest req) {
        return Mono.fromCallable(() -> query(req))
                .flatMap(q -> Mono.fromCallable(() -> reports.outcomes(q)).subscribeOn(jdbc))
                .flatMap(page -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Views.json(Views.page(page, OutcomeHandler::result))));
    }

    private OutcomeQuery query(ServerRequest req) {
        BucketWidth width = BucketWidth.parse(req.queryParam("bucket_width").orElse("1d"))
                .orElseThrow(() ->
                        ApiException.invalid("bucket_width", "invalid_value", "'bucket_width' must be 1m, 1h or 1d."));
        Instant start = width.floor(Params.time(req, "start_time"));
        Instant end = width.ceil(Params.time(req, "end_time", clock.instant()));
        if (!end.isAfter(start)) {
            throw ApiException.invalid("end_time", "invalid_value", "'end_time' must be after 'start_time'.");
        }
        Set<String> groups = new HashSet<>();
        for (String g : Params.list(req, "group_by")) {
            if (!OutcomeQuery.GROUPS.contains(g)) {
                throw ApiException.invalid(
                        "group_by", "invalid_value", "'group_by' takes project_id, model, outcome and code.");
            }
            groups.add(g);
        }
        List<OutcomeClass> outcomes = new ArrayList<>();
        for (String o : Params.list(req, "outcomes")) {
            outcomes.add(OutcomeClass.parse(o)
                    .orElseThrow(() -> ApiException.invalid(
                            "outcomes",
                            "invalid_value",
                            "'outcomes' takes ok, client_error, server_error and cancelled.")));
        }
        int limit = Params.integer(req, "limit", width.defaultLimit(), 1, width.maxLimit());
        Caller caller = Params.caller(req);
        return new OutcomeQuery(
                start,
                end,
                width,
                groups,
                Params.tenants(req),
                caller.platform() && caller.has(Scope.ADMIN),
                Params.list(req, "models"),
                outcomes,
                limit,
                Params.page(req, start, end, width.seconds()));
    }

    private static Map<String, Object> result(OutcomeRow r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", "organization.usage.outcomes.result");
        v.put("num_model_requests", r.requests());
        v.put("outcome", r.outcome());
        v.put("code", r.code());
        v.put("project_id", r.tenant());
        v.put("model", r.model());
        return v;
    }
}
