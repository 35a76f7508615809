package io.modelgateway.gateway.catalog.internal;

import io.modelgateway.billing.Micros;
import io.modelgateway.billing.pricing.Price;
import io.modelgateway.gateway.catalog.CatalogEntry;
import io.modelgateway.gateway.edge.error.ApiException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * A catalog search ({@code GET /v1/catalog}): free text over names, descriptions, publishers and tags (every
 * word must match), filters by task, region, capability, lifecycle and price ceilings (per 1M tokens, in
 * currency units; unpriced deployments do not pass a ceiling), a sort, and a page after a cursor.
 */
public record CatalogSearch(
        List<String> words,
        String task,
        String region,
        String capability,
        String lifecycle,
        Long maxInputPrice,
        Long maxOutputPrice,
        Sort sort,
        boolean descending,
        int limit,
        String after) {

    static final int MAX_LIMIT = 100;
    private static final Set<String> PARAMETERS = Set.of(
            "q",
            "task",
            "region",
            "capability",
            "lifecycle",
            "max_input_price",
            "max_output_price",
            "sort",
            "order",
            "limit",
            "after");
    private static final Set<String> TASKS = Set.of("chat", "completions", "embeddings");
    private static final Set<String> LIFECYCLES = Set.of("preview", "generally-available", "deprecated", "retired");

    /** The orders offered; unpriced entries and unknown context lengths sort last either way. */
    public enum Sort {
        NAME,
        INPUT_PRICE,
        OUTPUT_PRICE,
        CONTEXT_LENGTH;

        String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One page of results. */
    public record Page(List<CatalogEntry> data, boolean hasMore) {}

    /** Reads the query parameters; anything unknown or malformed is a 400 naming it. */
    public static CatalogSearch parse(Map<String, List<String>> params) {
        for (String name : params.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw ApiException.invalid(name, "unknown_parameter", "Unrecognized query parameter: " + name);
            }
            if (params.get(name).size() > 1) {
                throw ApiException.invalid(name, "invalid_value", "Query parameter '" + name + "' given twice.");
            }
        }
        Function<String, String> one = name -> params.getOrDefault(name, List.of()).stream()
                .findFirst()
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .orElse(null);
        String q = one.apply("q");
        List<String> words = q == null
                ? List.of()
                : Arrays.stream(q.toLowerCase(Locale.ROOT).split("\\s+"))
                        .filter(w -> !w.isEmpty())
                        .toList();
        String task = oneOf(one.apply("task"), "task", TASKS);
        String lifecycle = oneOf(one.apply("lifecycle"), "lifecycle", LIFECYCLES);
        String sortName = one.apply("sort");
        Sort sort = Sort.NAME;
        if (sortName != null) {
            sort = Stream.of(Sort.values())
                    .filter(s -> s.value().equals(sortName))
                    .findFirst()
                    .orElseThrow(() -> ApiException.invalid(
                            "sort",
                            "invalid_value",
                            "Invalid 'sort': one of name, input_price, output_price, context_length."));
        }
        String order = oneOf(one.apply("order"), "order", Set.of("asc", "desc"));
        return new CatalogSearch(
                words,
                task,
                one.apply("region"),
                one.apply("capability"),
                lifecycle,
                price(one.apply("max_input_price"), "max_input_price"),
                price(one.apply("max_output_price"), "max_output_price"),
                sort,
                "desc".equals(order),
                limit(one.apply("limit")),
                one.apply("after"));
    }

    private static String oneOf(String value, String name, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            throw ApiException.invalid(
                    name,
                    "invalid_value",
                    "Invalid '" + name + "': one of "
                            + String.join(", ", allowed.stream().sorted().toList()) + ".");
        }
        return value;
    }

    private static Long price(String value, String name) {
        if (value == null) {
            return null;
        }
        try {
            long micros = Micros.parse(value);
            if (micros < 0) {
                throw new IllegalArgumentException("negative");
            }
            return micros;
        } catch (RuntimeException e) {
            throw ApiException.invalid(
                    name,
                    "invalid_value",
                    "Invalid '" + name + "': a price per 1M tokens in currency units, e.g. 2.50.");
        }
    }

    private static int limit(String value) {
        if (value == null) {
            return 20;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid(
                "limit", "invalid_value", "Invalid 'limit': an integer from 1 to " + MAX_LIMIT + ".");
    }

    /** Filters, sorts and pages {@code entries}; an {@code after} that is not among the results is a 400. */
    public Page apply(List<CatalogEntry> entries) {
        List<CatalogEntry> found =
                entries.stream().filter(this::matches).sorted(comparator()).toList();
        int from = 0;
        if (after != null) {
            int at = -1;
            for (int i = 0; i < found.size(); i++) {
                if (found.get(i).id().equals(after)) {
                    at = i;
                }
            }
            if (at < 0) {
                throw ApiException.invalid(
                        "after", "invalid_value", "Invalid 'after': not a model of this search's results.");
            }
            from = at + 1;
        }
        int to = Math.min(found.size(), from + limit);
        return new Page(found.subList(from, to), to < found.size());
    }

    boolean matches(CatalogEntry e) {
        if (task != null && !e.tasks().contains(task)) {
            return false;
        }
        if (region != null && !e.regions().contains(region)) {
            return false;
        }
        if (capability != null && !e.capabilities().contains(capability)) {
            return false;
        }
        if (lifecycle != null && !e.lifecycle().value().equals(lifecycle)) {
            return false;
        }
        if (!underCeiling(e.price(), maxInputPrice, Price::inputPer1M)
                || !underCeiling(e.price(), maxOutputPrice, Price::outputPer1M)) {
            return false;
        }
        String text = String.join(
                        "\n",
                        Stream.concat(
                                        Stream.of(
                                                e.id(),
                                                e.displayName(),
                                                nonNull(e.card().description()),
                                                nonNull(e.card().publisher())),
                                        e.card().tags().stream())
                                .toList())
                .toLowerCase(Locale.ROOT);
        return words.stream().allMatch(text::contains);
    }

    private static boolean underCeiling(Price price, Long ceiling, ToLongFunction<Price> part) {
        return ceiling == null || price != null && part.applyAsLong(price) <= ceiling;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private Comparator<CatalogEntry> comparator() {
        Comparator<CatalogEntry> byKey = switch (sort) {
            case NAME -> Comparator.comparing(CatalogEntry::id);
            case INPUT_PRICE ->
                nullsLast(e -> e.price() == null ? null : e.price().inputPer1M());
            case OUTPUT_PRICE ->
                nullsLast(e -> e.price() == null ? null : e.price().outputPer1M());
            case CONTEXT_LENGTH ->
                nullsLast(e ->
                        e.contextLength() == null ? null : e.contextLength().longValue());
        };
        if (sort == Sort.NAME) {
            return descending ? byKey.reversed() : byKey;
        }
        return byKey.thenComparing(CatalogEntry::id);
    }

    private Comparator<CatalogEntry> nullsLast(Function<CatalogEntry, Long> key) {
        Comparator<Long> order = descending ? Comparator.reverseOrder() : Comparator.naturalOrder();
        return Comparator.comparing(key, Comparator.nullsLast(order));
    }
}
