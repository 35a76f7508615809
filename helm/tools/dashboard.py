#!/usr/bin/env python3
"""Writes model-gateway/files/dashboard.json (run from helm/: python3 tools/dashboard.py). Edit here, not the JSON."""
import json

DS = {"type": "prometheus", "uid": "${datasource}"}
F = '{deployment=~"$deployment"}'
panels = []
y = 0


def row(title):
    global y
    panels.append({"type": "row", "title": title, "collapsed": False, "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
                   "id": len(panels) + 1, "panels": []})
    y += 1


def ts(title, targets, unit="short", x=0, w=12, h=8, desc=""):
    panels.append({
        "type": "timeseries", "title": title, "description": desc, "datasource": DS, "id": len(panels) + 1,
        "gridPos": {"h": h, "w": w, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["mean", "max", "lastNotNull"]},
                    "tooltip": {"mode": "multi"}},
        "targets": [{"datasource": DS, "expr": e, "legendFormat": l, "refId": chr(65 + i)}
                    for i, (e, l) in enumerate(targets)]})


def stat(title, expr, unit="short", x=0, w=6, h=4, thresholds=None):
    panels.append({
        "type": "stat", "title": title, "datasource": DS, "id": len(panels) + 1,
        "gridPos": {"h": h, "w": w, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit, "thresholds": thresholds or {"mode": "absolute", "steps": [
            {"color": "green", "value": None}]}}, "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "background"},
        "targets": [{"datasource": DS, "expr": expr, "refId": "A"}]})


def nl(h=8):
    global y
    y += h


def q(quantile, metric, by="gen_ai_request_model", filt='{gen_ai_request_model=~"$deployment"}'):
    return f'histogram_quantile({quantile}, sum by ({by}, le) (rate({metric}_bucket{filt}[$__rate_interval])))'


RED = {"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "red", "value": 1}]}

row("Traffic and errors")
stat("Requests/s", f'sum(rate(gateway_requests_total{F}[$__rate_interval]))', "reqps", x=0)
stat("5xx ratio", f'sum(rate(gateway_requests_total{{deployment=~"$deployment",status=~"5.."}}[$__rate_interval])) '
     f'/ sum(rate(gateway_requests_total{F}[$__rate_interval]))', "percentunit", x=6,
     thresholds={"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "orange", "value": 0.01},
                                               {"color": "red", "value": 0.05}]})
stat("Output tokens/s", 'sum(rate(gen_ai_client_token_usage_tokens_sum{gen_ai_token_type="output",'
     'gen_ai_request_model=~"$deployment"}[$__rate_interval]))', "short", x=12)
stat("Backends not ready", f'count(max by (deployment) (gateway_backend_ready{F}) == 0) or vector(0)', x=18,
     thresholds=RED)
nl(4)
ts("Requests/s by deployment and outcome",
   [(f'sum by (deployment, outcome) (rate(gateway_requests_total{F}[$__rate_interval]))', "{{deployment}} {{outcome}}")],
   "reqps", x=0)
ts("Errors/s by deployment and status",
   [(f'sum by (deployment, status) (rate(gateway_requests_total{{deployment=~"$deployment",status!="200"}}'
     f'[$__rate_interval]))', "{{deployment}} {{status}}"),
    ('sum by (status) (rate(http_server_requests_seconds_count{status=~"4..|5.."}[$__rate_interval]))',
     "all HTTP {{status}}")], "reqps", x=12)
nl()
ts("Requests/s by tenant (top 10)",
   [(f'topk(10, sum by (tenant) (rate(gateway_requests_total{{deployment=~"$deployment",tenant=~"$tenant"}}'
     f'[$__rate_interval])))', "{{tenant}}")], "reqps", x=0, w=24)
nl()

row("Latency")
ts("Time to first token", [(q(p, "gen_ai_server_time_to_first_token_seconds"), f"p{int(p * 100)} {{{{gen_ai_request_model}}}}")
                           for p in (0.5, 0.95, 0.99)], "s", x=0)
ts("Request duration", [(q(p, "gen_ai_server_request_duration_seconds"), f"p{int(p * 100)} {{{{gen_ai_request_model}}}}")
                        for p in (0.5, 0.95, 0.99)], "s", x=12)
nl()
ts("Time per output token", [(q(p, "gen_ai_server_time_per_output_token_seconds"),
                              f"p{int(p * 100)} {{{{gen_ai_request_model}}}}") for p in (0.5, 0.95)], "s", x=0)
ts("Tokens/s by model and type",
   [('sum by (gen_ai_request_model, gen_ai_token_type) (rate(gen_ai_client_token_usage_tokens_sum'
     '{gen_ai_request_model=~"$deployment"}[$__rate_interval]))', "{{gen_ai_request_model}} {{gen_ai_token_type}}")],
   "short", x=12)
nl()

row("Quotas and credits")
ts("Quota rejections/s by kind",
   [(f'sum by (kind) (rate(gateway_quota_rejections_total{F}[$__rate_interval]))', "{{kind}}"),
    (f'sum by (kind) (rate(gateway_refusals_total{F}[$__rate_interval]))', "refused: {{kind}}")], "reqps", x=0)
ts("Credit burn by tenant (credits/s)",
   [('topk(10, sum by (tenant) (rate(gateway_credit_captured_micros_total{tenant=~"$tenant"}[$__rate_interval]))) / 1e6',
     "{{tenant}}")], "short", x=12)
nl()
ts("Credit balance by tenant (lowest 10)",
   [('bottomk(10, min by (tenant) (gateway_credit_balance_micros{tenant=~"$tenant"})) / 1e6', "{{tenant}}")],
   "short", x=0)
ts("Credit holds/s by result",
   [('sum by (result) (rate(gateway_credit_holds_total{tenant=~"$tenant"}[$__rate_interval]))', "{{result}}")],
   "reqps", x=12)
nl()

row("Backends")
ts("Model readiness by deployment (min over gateway replicas)",
   [(f'min by (deployment) (gateway_backend_ready{F})', "{{deployment}}")], "short", x=0)
ts("Ready replicas and open breakers by pool",
   [('sum by (pool) (gateway_backend_replica_ready)', "ready {{pool}}"),
    ('sum by (pool) (gateway_backend_breaker_state{state="open"})', "open breakers {{pool}}"),
    ('sum by (pool) (gateway_backend_replica_outstanding)', "in flight {{pool}}")], "short", x=12)
nl()

row("Usage writer, Redis and database")
ts("Usage writer queue and spool",
   [('sum by (pod) (gateway_usage_queue_size)', "queue {{pod}}"),
    ('sum by (pod) (gateway_usage_spool_size)', "spool {{pod}}")], "short", x=0, w=8)
ts("Usage writer lag", [('max by (pod) (gateway_usage_lag_seconds)', "{{pod}}"),
                        ('max(gateway_ledger_drift_micros) / 1e6', "ledger drift (credits)")], "s", x=8, w=8)
ts("Redis", [('max by (pod) (gateway_redis_latency_seconds_max)', "ping max {{pod}}"),
             ('min by (pod) (gateway_redis_up)', "up {{pod}}"),
             ('max by (pod) (gateway_redis_fallback_active)', "local fallback {{pod}}")], "s", x=16, w=8)
nl()
ts("Database round trip and pool",
   [('sum by (pod) (rate(gateway_db_latency_seconds_sum[$__rate_interval])) / '
     'sum by (pod) (rate(gateway_db_latency_seconds_count[$__rate_interval]))', "SELECT 1 {{pod}}"),
    ('max by (pod) (hikaricp_connections_acquire_seconds_max)', "acquire max {{pod}}"),
    ('sum by (pod) (hikaricp_connections_pending)', "pending {{pod}}")], "s", x=0, w=24)
nl()

dashboard = {
    "title": "Model gateway", "uid": "model-gateway", "tags": ["model-gateway", "llm"], "timezone": "",
    "schemaVersion": 39, "version": 1, "editable": True, "refresh": "30s",
    "time": {"from": "now-3h", "to": "now"},
    "templating": {"list": [
        {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Data source"},
        {"name": "deployment", "type": "query", "datasource": DS, "label": "Deployment",
         "query": {"query": "label_values(gateway_requests_total, deployment)", "refId": "deployment"},
         "definition": "label_values(gateway_requests_total, deployment)",
         "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2,
         "current": {"text": "All", "value": "$__all"}},
        {"name": "tenant", "type": "query", "datasource": DS, "label": "Tenant",
         "query": {"query": "label_values(gateway_requests_total, tenant)", "refId": "tenant"},
         "definition": "label_values(gateway_requests_total, tenant)",
         "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2,
         "current": {"text": "All", "value": "$__all"}},
    ]},
    "annotations": {"list": []},
    "panels": panels,
}
with open("model-gateway/files/dashboard.json", "w") as f:
    json.dump(dashboard, f, indent=2)
    f.write("\n")
