package io.modelgateway.gateway.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.billing.pricing.Price;
import io.modelgateway.gateway.catalog.CatalogEntry;
import io.modelgateway.gateway.config.CatalogProperties;
import io.modelgateway.gateway.config.CatalogProperties.Lifecycle;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.HttpUpstream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * For random catalogs and searches: walking the pages by cursor yields exactly the filtered entries, each once,
 * in the search's order; every entry returned passes every filter and every entry left out fails one.
 */
class CatalogSearchProperties {

    private static final HttpUpstream UPSTREAM = new HttpUpstream(
            "u", URI.create("http://127.0.0.1:1/v1"), null, Duration.ofSeconds(1), Duration.ofSeconds(1));

    @Property(tries = 200)
    void pagesCoverTheResultsOnceInOrder(
            @ForAll("catalogs") List<CatalogEntry> catalog,
            @ForAll("searches") Map<String, List<String>> params,
            @ForAll @IntRange(min = 1, max = 5) int limit) {
        Map<String, List<String>> paged = new HashMap<>(params);
        paged.put("limit", List.of(String.valueOf(limit)));
        List<CatalogEntry> all =
                CatalogSearch.parse(withLimit(params, 100)).apply(catalog).data();

        List<CatalogEntry> walked = new ArrayList<>();
        String after = null;
        while (true) {
            Map<String, List<String>> page = new HashMap<>(paged);
            if (after != null) {
                page.put("after", List.of(after));
            }
            CatalogSearch.Page p = CatalogSearch.parse(page).apply(catalog);
            assertThat(p.data().size()).isLessThanOrEqualTo(limit);
            walked.addAll(p.data());
            if (!p.hasMore()) {
                break;
            }
            after = p.data().get(p.data().size() - 1).id();
        }
        assertThat(walked).containsExactlyElementsOf(all);
        CatalogSearch search = CatalogSearch.parse(params);
        assertThat(all).allMatch(search::matches);
        assertThat(catalog.stream().filter(e -> !all.contains(e))).noneMatch(search::matches);
    }

    private static Map<String, List<String>> withLimit(Map<String, List<String>> params, int limit) {
        Map<String, List<String>> out = new HashMap<>(params);
        out.put("limit", List.of(String.valueOf(limit)));
        return out;
    }

    /** An entry's generated facts; its id is its position in the catalog. */
    private record Row(
            Kind kind,
            String region,
            List<String> tags,
            Integer context,
            Long price,
            Lifecycle lifecycle,
            List<String> modalities) {}

    @Provide
    Arbitrary<List<CatalogEntry>> catalogs() {
        Arbitrary<Row> row = Combinators.combine(
                        Arbitraries.of(Kind.CHAT, Kind.EMBEDDINGS),
                        Arbitraries.of("eu", "us").injectNull(0.3),
                        Arbitraries.of("small", "fast", "large").list().ofMaxSize(2),
                        Arbitraries.integers().between(1, 5).injectNull(0.3),
                        Arbitraries.longs().between(0, 4).injectNull(0.3),
                        Arbitraries.of(Lifecycle.values()),
                        Arbitraries.of(List.of("text"), List.of("text", "image")))
                .as(Row::new);
        return row.list().ofMaxSize(12).map(rows -> {
            List<CatalogEntry> out = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                out.add(entry(
                        "d" + i,
                        r.kind(),
                        r.region(),
                        r.tags(),
                        r.context(),
                        r.price(),
                        r.lifecycle(),
                        r.modalities()));
            }
            return out;
        });
    }

    private static CatalogEntry entry(
            String id,
            Kind kind,
            String region,
            List<String> tags,
            Integer context,
            Long price,
            Lifecycle lifecycle,
            List<String> modalities) {
        Deployment d = new Deployment(
                id,
                kind,
                "m",
                null,
                null,
                null,
                256,
                4096,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                UPSTREAM,
                region);
        CatalogProperties card = new CatalogProperties(
                null, null, null, null, tags, modalities, context, null, null, lifecycle, null, null, null);
        Price p = price == null
                ? null
                : new Price(1, id, Instant.EPOCH, price * 1_000_000, 0, price * 2_000_000, 0, "USD");
        return new CatalogEntry(d, card, lifecycle, p, null, null, null, context, null);
    }

    @Provide
    Arbitrary<Map<String, List<String>>> searches() {
        return Combinators.combine(
                        Arbitraries.of("small", "fast large", "d1", "").injectNull(0.5),
                        Arbitraries.of("chat", "completions", "embeddings").injectNull(0.6),
                        Arbitraries.of("eu", "us").injectNull(0.6),
                        Arbitraries.of("image", "embeddings", "chat_completion").injectNull(0.6),
                        Arbitraries.of("0", "1.5", "3", "10").injectNull(0.6),
                        Arbitraries.of("name", "input_price", "output_price", "context_length")
                                .injectNull(0.3),
                        Arbitraries.of("asc", "desc").injectNull(0.3))
                .as((q, task, region, capability, ceiling, sort, order) -> {
                    Map<String, List<String>> m = new HashMap<>();
                    put(m, "q", q);
                    put(m, "task", task);
                    put(m, "region", region);
                    put(m, "capability", capability);
                    put(m, "max_input_price", ceiling);
                    put(m, "sort", sort);
                    put(m, "order", order);
                    return m;
                });
    }

    private static void put(Map<String, List<String>> m, String name, String value) {
        if (value != null) {
            m.put(name, List.of(value));
        }
    }
}
