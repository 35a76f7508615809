package io.modelgateway.helm;

import static io.modelgateway.helm.Chart.FULLNAME;
import static io.modelgateway.helm.Chart.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/** helm lint --strict and helm template (through helm-java), asserting on the rendered objects. */
class ChartTest {

    @Test
    void lintStrictPasses() {
        LintResult result = Chart.helm().lint().strict().call();
        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
    }

    @Test
    void defaultValuesRenderEveryPieceWithTheDemoModelServer() throws Exception {
        Chart.Rendered r = Chart.render(t -> t);
        assertThat(r.kinds())
                .contains(
                        "Deployment/" + FULLNAME,
                        "Service/" + FULLNAME,
                        "HorizontalPodAutoscaler/" + FULLNAME,
                        "PodDisruptionBudget/" + FULLNAME,
                        "ConfigMap/" + FULLNAME,
                        "ServiceMonitor/" + FULLNAME,
                        "PrometheusRule/" + FULLNAME,
                        "ConfigMap/" + FULLNAME + "-dashboard",
                        "NetworkPolicy/" + FULLNAME,
                        "Deployment/" + FULLNAME + "-model-server");
        assertThat(r.kinds()).noneMatch(k -> k.contains("triton")).noneMatch(k -> k.startsWith("Secret/"));

        Map<String, Object> pod = at(r.get("Deployment", FULLNAME), "spec.template.spec");
        Map<String, Object> gateway = at(pod, "containers.0");
        assertThat((String) at(gateway, "livenessProbe.httpGet.path")).isEqualTo("/livez");
        assertThat((String) at(gateway, "readinessProbe.httpGet.path")).isEqualTo("/readyz");
        assertThat((String) at(gateway, "startupProbe.httpGet.path")).isEqualTo("/livez");
        assertThat(env(gateway))
                .as("no session secret: console sessions stay in each replica's memory")
                .containsEntry("GATEWAY_CONSOLE_SESSION_STORE", "memory");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat((String) at(gateway, probe + ".httpGet.port")).as(probe).isEqualTo("http");
        }
        assertThat((Boolean) at(gateway, "securityContext.runAsNonRoot")).isTrue();
        assertThat((Boolean) at(gateway, "securityContext.readOnlyRootFilesystem"))
                .isTrue();
        assertThat((Boolean) at(gateway, "securityContext.allowPrivilegeEscalation"))
                .isFalse();
        assertThat((Boolean) at(pod, "securityContext.runAsNonRoot")).isTrue();
        assertThat((String) at(gateway, "resources.requests.memory")).isEqualTo("768Mi");
        assertThat((String) at(gateway, "volumeMounts.1.mountPath")).isEqualTo("/tmp");
        assertThat((Object) at(pod, "volumes.1.emptyDir")).isNotNull();
        assertThat(env(gateway))
                .containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
                .containsEntry("SPRING_PROFILES_ACTIVE", "production")
                .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgresql:5432/gateway")
                .doesNotContainKeys("SPRING_DATASOURCE_PASSWORD", "GATEWAY_REDIS_URL", "GATEWAY_ADMIN_API_KEY");

        Map<String, Object> app = application(r);
        assertThat((String) at(app, "gateway.deployments.echo.backend")).isEqualTo(FULLNAME + "-model-server:8001");
        assertThat((Boolean) at(app, "gateway.embedded-model-server.enabled")).isFalse();

        Map<String, Object> dashboard = r.get("ConfigMap", FULLNAME + "-dashboard");
        assertThat((String) at(dashboard, "metadata.labels.grafana_dashboard")).isEqualTo("1");
        String json = (String) ((Map<?, ?>) at(dashboard, "data")).get("model-gateway.json");
        JsonMapper mapper = JsonMapper.builder().build();
        assertThat(mapper.readTree(json))
                .isEqualTo(mapper.readTree(Files.readString(Chart.DIR.resolve("files/dashboard.json"))));

        Map<String, Object> rules = new Yaml().load(Files.readString(Chart.DIR.resolve("files/alerts.yaml")));
        assertThat((Object) at(r.get("PrometheusRule", FULLNAME), "spec.groups"))
                .isEqualTo(rules.get("groups"));
    }

    @Test
    void theUsageSpoolLivesOnAWritableVolumeAndIsDrainedWithinTheGracePeriod() {
        Chart.Rendered r = Chart.render(t -> t);
        Map<String, Object> pod = at(r.get("Deployment", FULLNAME), "spec.template.spec");
        Map<String, Object> gateway = at(pod, "containers.0");
        assertThat((Boolean) at(gateway, "securityContext.readOnlyRootFilesystem"))
                .isTrue();
        String spoolDir = (String) at(application(r), "gateway.billing.spool-dir");
        assertThat(spoolDir).isEqualTo("/var/lib/model-gateway/usage-spool");
        String volume = mountAt(gateway, spoolDir);
        Map<String, Object> emptyDir = volume(pod, volume);
        assertThat(emptyDir).as("an emptyDir survives container restarts").containsEntry("sizeLimit", "1Gi");
        assertThat((Boolean) at(application(r), "gateway.billing.spool-fsync")).isFalse();

        int preStop = at(gateway, "lifecycle.preStop.sleep.seconds");
        int grace = at(pod, "terminationGracePeriodSeconds");
        assertThat(grace)
                .as("preStop + graceful HTTP drain (30 s) + usage spool drain (30 s)")
                .isGreaterThanOrEqualTo(preStop + 30 + 30);

        Chart.Rendered tmpfs = Chart.render(t -> t.set("usageSpool.medium", "Memory")
                .set("usageSpool.fsync", true)
                .set("usageSpool.mountPath", "/spool"));
        Map<String, Object> tmpfsPod = at(tmpfs.get("Deployment", FULLNAME), "spec.template.spec");
        assertThat(volume(tmpfsPod, mountAt(at(tmpfsPod, "containers.0"), "/spool")))
                .containsEntry("medium", "Memory");
        assertThat((String) at(application(tmpfs), "gateway.billing.spool-dir")).isEqualTo("/spool");
        assertThat((Boolean) at(application(tmpfs), "gateway.billing.spool-fsync"))
                .isTrue();
    }

    @Test
    void theQuotaFallbackShareFollowsTheHpaMaximumOrTheReplicaCount() {
        assertThat((Integer) at(application(Chart.render(t -> t)), "gateway.quota.replicas"))
                .isEqualTo(10);
        assertThat((Integer) at(
                        application(Chart.render(t -> t.withValuesFile(Chart.PRODUCTION))), "gateway.quota.replicas"))
                .isEqualTo(20);
        Chart.Rendered fixed =
                Chart.render(t -> t.set("autoscaling.enabled", false).set("replicaCount", 3));
        assertThat((Integer) at(fixed.get("Deployment", FULLNAME), "spec.replicas"))
                .isEqualTo(3);
        assertThat((Integer) at(application(fixed), "gateway.quota.replicas")).isEqualTo(3);
    }

    @SuppressWarnings("unchecked")
    private static String mountAt(Map<String, Object> container, String path) {
        for (Map<String, Object> m : (List<Map<String, Object>>) container.get("volumeMounts")) {
            if (path.equals(m.get("mountPath"))) {
                assertThat(m.get("readOnly")).isNotEqualTo(true);
                return (String) m.get("name");
            }
        }
        throw new AssertionError("nothing mounted at " + path);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> volume(Map<String, Object> pod, String name) {
        for (Map<String, Object> v : (List<Map<String, Object>>) pod.get("volumes")) {
            if (name.equals(v.get("name"))) {
                return (Map<String, Object>) v.get("emptyDir");
            }
        }
        throw new AssertionError("no volume " + name);
    }

    @Test
    void productionValuesUseExistingSecretsTritonGpusAndTheReleasesMonitoringLabels() {
        Chart.Rendered r = Chart.render(t -> t.withValuesFile(Chart.PRODUCTION));
        assertThat(r.kinds()).noneMatch(k -> k.startsWith("Secret/")).noneMatch(k -> k.contains("model-server"));

        Map<String, Object> gateway = at(r.get("Deployment", FULLNAME), "spec.template.spec.containers.0");
        assertThat((String) at(gateway, "image")).isEqualTo("registry.example.com/ai/model-gateway:0.1.0");
        assertThat(secretRef(gateway, "SPRING_DATASOURCE_PASSWORD"))
                .isEqualTo(List.of("gateway-postgresql", "password"));
        assertThat(secretRef(gateway, "GATEWAY_REDIS_URL")).isEqualTo(List.of("gateway-redis", "url"));
        assertThat(secretRef(gateway, "GATEWAY_ADMIN_API_KEY")).isEqualTo(List.of("gateway-admin", "key"));
        assertThat(secretRef(gateway, "GATEWAY_CONSOLE_SESSION_SECRET"))
                .isEqualTo(List.of("gateway-console", "session-secret"));
        assertThat(env(gateway))
                .containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "logstash")
                .doesNotContainKey("GATEWAY_CONSOLE_SESSION_STORE");
        assertThat((Object) at(r.get("Deployment", FULLNAME), "spec.replicas"))
                .as("the HPA owns replicas")
                .isNull();
        assertThat((Integer) at(r.get("HorizontalPodAutoscaler", FULLNAME), "spec.maxReplicas"))
                .isEqualTo(20);
        assertThat((Integer) at(r.get("PodDisruptionBudget", FULLNAME), "spec.minAvailable"))
                .isEqualTo(2);

        Map<String, Object> triton = at(r.get("Deployment", FULLNAME + "-triton"), "spec.template.spec");
        Map<?, ?> limits = at(triton, "containers.0.resources.limits");
        assertThat(limits.get("nvidia.com/gpu")).isEqualTo(2);
        assertThat(((Map<?, ?>) at(triton, "containers.0.resources.requests")).get("nvidia.com/gpu"))
                .isEqualTo(2);
        assertThat((String) at(triton, "containers.0.ports.0.name")).isEqualTo("grpc");
        assertThat((Integer) at(triton, "containers.0.ports.0.containerPort")).isEqualTo(8001);
        assertThat((List<String>) at(triton, "containers.0.args")).contains("--model-repository=/models");
        assertThat((String) at(triton, "volumes.1.persistentVolumeClaim.claimName"))
                .isEqualTo("triton-models");
        Map<String, Object> app = application(r);
        assertThat((String) at(app, "gateway.deployments.llama-3-8b.backend")).isEqualTo(FULLNAME + "-triton:8001");
        assertThat((Integer) at(app, "gateway.deployments.llama-3-8b.maxTokensLimit"))
                .isEqualTo(8192);
        assertThat((Integer) at(app, "gateway.metrics.max-tenant-labels")).isEqualTo(500);

        Map<String, Object> monitor = r.get("ServiceMonitor", FULLNAME);
        assertThat((String) at(monitor, "metadata.labels.release")).isEqualTo("kube-prometheus-stack");
        assertThat((String) at(monitor, "spec.endpoints.0.path")).isEqualTo("/actuator/prometheus");
        assertThat((String) at(r.get("PrometheusRule", FULLNAME), "metadata.labels.release"))
                .isEqualTo("kube-prometheus-stack");
    }

    /** Issue 14: metrics and detailed health are on the management port, which only the ServiceMonitor reaches. */
    @Test
    @SuppressWarnings("unchecked")
    void theServiceMonitorScrapesTheManagementPortAndThePublicServiceNeverExposesIt() {
        Chart.Rendered r = Chart.render(t -> t.withValuesFile(Chart.PRODUCTION));
        Map<String, Object> gateway = at(r.get("Deployment", FULLNAME), "spec.template.spec.containers.0");
        List<Map<String, Object>> ports = at(gateway, "ports");
        assertThat(ports)
                .extracting(p -> p.get("name"), p -> p.get("containerPort"))
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("http", 8080),
                        org.assertj.core.groups.Tuple.tuple("management", 9090));
        assertThat(env(gateway)).containsEntry("MANAGEMENT_SERVER_PORT", "9090");

        Map<String, Object> monitor = r.get("ServiceMonitor", FULLNAME);
        assertThat((String) at(monitor, "spec.endpoints.0.port")).isEqualTo("management");
        assertThat((String) at(monitor, "spec.endpoints.0.path")).isEqualTo("/actuator/prometheus");
        Map<String, Object> selector = at(monitor, "spec.selector.matchLabels");

        // the ServiceMonitor selects the management Service, whose only port is the management port
        Map<String, Object> management = r.get("Service", FULLNAME + "-management");
        assertThat((Map<String, Object>) at(management, "metadata.labels")).containsAllEntriesOf(selector);
        assertThat((String) at(management, "spec.type")).isEqualTo("ClusterIP");
        List<Map<String, Object>> managementPorts = at(management, "spec.ports");
        assertThat(managementPorts).singleElement().satisfies(p -> {
            assertThat(p.get("name")).isEqualTo("management");
            assertThat(p.get("targetPort")).isEqualTo("management");
            assertThat(p.get("port")).isEqualTo(9090);
        });
        assertThat((Map<String, Object>) at(management, "spec.selector"))
                .isEqualTo(at(r.get("Service", FULLNAME), "spec.selector"));

        // the public Service: the API port alone, and not selected by the ServiceMonitor
        Map<String, Object> api = r.get("Service", FULLNAME);
        List<Map<String, Object>> apiPorts = at(api, "spec.ports");
        assertThat(apiPorts).singleElement().satisfies(p -> {
            assertThat(p.get("targetPort")).isEqualTo("http");
            assertThat(p.get("name")).isEqualTo("http");
        });
        assertThat(apiPorts)
                .noneMatch(p -> "management".equals(p.get("targetPort"))
                        || Integer.valueOf(9090).equals(p.get("targetPort"))
                        || Integer.valueOf(9090).equals(p.get("port")));
        assertThat((Map<String, Object>) at(api, "metadata.labels"))
                .as("not scraped through the public Service")
                .doesNotContainEntry("app.kubernetes.io/component", "gateway-management");
        assertThat(selector).containsEntry("app.kubernetes.io/component", "gateway-management");

        // the network policy lets the monitoring namespace reach the management port, everyone else the API port
        List<Map<String, Object>> ingress = at(r.get("NetworkPolicy", FULLNAME), "spec.ingress");
        assertThat((String) at(ingress.get(0), "ports.0.port")).isEqualTo("http");
        assertThat((String) at(ingress.get(1), "ports.0.port")).isEqualTo("management");
        assertThat((Object) at(ingress.get(1), "from.0.namespaceSelector")).isNotNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void inlineSecretsBecomeTheChartsOwnSecret() {
        Chart.Rendered r = Chart.render(t -> t.set("postgresql.password", "pg-pass")
                .set("adminKey.value", "sk-admin")
                .set("redis.url", "redis://redis:6379")
                .set("consoleSessionSecret.value", "console-secret-of-32-characters-or-more"));
        Map<String, Object> secret = r.get("Secret", FULLNAME + "-secrets");
        assertThat(((Map<String, Object>) secret.get("data")).keySet())
                .containsExactlyInAnyOrder("password", "redis-url", "admin-api-key", "console-session-secret");
        Map<String, Object> gateway = at(r.get("Deployment", FULLNAME), "spec.template.spec.containers.0");
        assertThat(secretRef(gateway, "SPRING_DATASOURCE_PASSWORD"))
                .isEqualTo(List.of(FULLNAME + "-secrets", "password"));
        assertThat(secretRef(gateway, "GATEWAY_CONSOLE_SESSION_SECRET"))
                .isEqualTo(List.of(FULLNAME + "-secrets", "console-session-secret"));
        assertThat(r.yaml())
                .doesNotContain("pg-pass")
                .doesNotContain("sk-admin")
                .doesNotContain("console-secret-of");
    }

    @Test
    void theSchemaRefusesBadValues() {
        assertRefused(t -> t.set("replicaCount", "two"), "replicaCount");
        assertRefused(t -> t.set("postgresql.url", "mysql://db/gateway"), "url");
        assertRefused(t -> t.set("triton.gpus", 0), "gpus");
        assertRefused(t -> t.set("gateway.logFormat", "xml"), "logFormat");
        assertRefused(
                t -> t.set("gateway.deployments.bad.backend", "not a target").set("gateway.deployments.bad.model", "m"),
                "backend");
        assertRefused(t -> t.set("replicaCont", 2), "replicaCont");
        assertRefused(t -> t.set("consoleSessionSecret.value", "too-short"), "value");
    }

    private static void assertRefused(
            java.util.function.UnaryOperator<com.marcnuri.helm.TemplateCommand> options, String mentioned) {
        assertThatThrownBy(() -> Chart.render(options))
                .hasMessageContaining("schema")
                .hasMessageContaining(mentioned);
    }

    static Map<String, Object> application(Chart.Rendered r) {
        return new Yaml().load((String) ((Map<?, ?>) at(r.get("ConfigMap", FULLNAME), "data")).get("application.yaml"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(Map<String, Object> container) {
        Map<String, Object> env = new java.util.LinkedHashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
            env.put((String) e.get("name"), e.get("value"));
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private static List<String> secretRef(Map<String, Object> container, String name) {
        for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
            if (name.equals(e.get("name"))) {
                return List.of(at(e, "valueFrom.secretKeyRef.name"), at(e, "valueFrom.secretKeyRef.key"));
            }
        }
        throw new AssertionError("no env " + name);
    }
}
