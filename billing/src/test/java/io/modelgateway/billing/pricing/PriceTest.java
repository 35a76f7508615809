package io.modelgateway.billing.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelgateway.billing.Micros;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Costs exact to the micro-unit against values worked out by hand. */
class PriceTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** GPT-4o's list price: USD 2.50 in, 1.25 cached, 10.00 out per 1M tokens, no per-request fee. */
    private static final Price GPT4O = new Price(7, "gpt-4o", T0, 2_500_000, 1_250_000, 10_000_000, 0, "usd");

    @Test
    void costsAreExactAgainstHandComputedValues() {
        // 1000 in x 2.5 + 500 out x 10 = 2500 + 5000 = 7500 micro-USD
        assertThat(GPT4O.cost(Tokens.of(1000, 500))).isEqualTo(7_500);
        // 1000 in of which 400 cached: 600 x 2.5 + 400 x 1.25 = 1500 + 500 = 2000; + 3 out x 10 = 30
        assertThat(GPT4O.cost(new Tokens(1000, 400, 3))).isEqualTo(2_030);
        // one token in: 2.5 micro -> rounded half up to 3; one cached token: 1.25 -> 1
        assertThat(GPT4O.cost(Tokens.of(1, 0))).isEqualTo(3);
        assertThat(GPT4O.cost(new Tokens(1, 1, 0))).isEqualTo(1);
        // 1 in + 1 cached... 3 in (1 cached): 2 x 2.5 + 1.25 = 6.25 -> 6 (rounded once per call, not per part)
        assertThat(GPT4O.cost(new Tokens(3, 1, 0))).isEqualTo(6);
        assertThat(GPT4O.cost(Tokens.of(0, 0))).isZero();
    }

    @Test
    void aPerRequestFeeIsAdded() {
        Price p = new Price(1, "d", T0, 75, 0, 300, Micros.parse("0.001"), "usd");
        // 75 nano-USD... 1000 in x 0.000075 = 0.075 micro; 1000 out x 0.0003 = 0.3 micro; sum 0.375 -> 0; + 1000
        assertThat(p.cost(Tokens.of(1000, 1000))).isEqualTo(1_000);
        // 10,000 x 0.000075 + 10,000 x 0.0003 = 0.75 + 3 = 3.75 -> 4; + 1000
        assertThat(p.cost(Tokens.of(10_000, 10_000))).isEqualTo(1_004);
    }

    @Test
    void largeValuesDoNotOverflow() {
        Price max = new Price(1, "d", T0, Price.MAX_PER_1M, Price.MAX_PER_1M, Price.MAX_PER_1M, 0, "usd");
        // 1e9 tokens x 1e12 micro per 1M = 1e15 micro each side
        assertThat(max.cost(Tokens.of(1_000_000_000, 1_000_000_000))).isEqualTo(2_000_000_000_000_000L);
        assertThatThrownBy(() -> new Price(1, "d", T0, Price.MAX_PER_1M + 1, 0, 0, 0, "usd"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void affordableOutputIsTheMostThatFits() {
        // budget 7500: 1000 in = 2500, leaves 5000 = 500 output tokens
        assertThat(GPT4O.affordableOutput(1000, 7_500)).isEqualTo(500);
        assertThat(GPT4O.affordableOutput(1000, 7_509)).isEqualTo(500);
        assertThat(GPT4O.affordableOutput(1000, 7_510)).isEqualTo(501);
        assertThat(GPT4O.affordableOutput(1000, 2_499)).isEqualTo(-1);
        long n = GPT4O.affordableOutput(123, 99_999);
        assertThat(GPT4O.cost(Tokens.of(123, n))).isLessThanOrEqualTo(99_999);
        assertThat(GPT4O.cost(Tokens.of(123, n + 1))).isGreaterThan(99_999);
    }

    @Test
    void thePriceInForceIsTheLatestEffectiveVersion() {
        Price v1 = new Price(1, "d", T0, 1, 1, 1, 0, "usd");
        Price v2 = new Price(2, "d", T0.plusSeconds(3600), 2, 2, 2, 0, "usd");
        PriceBook book = PriceBook.of(List.of(v2, v1));
        assertThat(book.at("d", T0.minusSeconds(1))).isEmpty();
        assertThat(book.at("d", T0)).contains(v1);
        assertThat(book.at("d", T0.plusSeconds(3599))).contains(v1);
        assertThat(book.at("d", T0.plusSeconds(3600))).contains(v2);
        assertThat(book.at("other", T0)).isEmpty();
    }

    @Test
    void moneyParsesAndFormatsExactly() {
        assertThat(Micros.parse("2.50")).isEqualTo(2_500_000);
        assertThat(Micros.parse("-0.000001")).isEqualTo(-1);
        assertThat(Micros.format(2_500_000)).isEqualTo("2.500000");
        assertThatThrownBy(() -> Micros.parse("0.0000001")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Micros.parse("abc")).isInstanceOf(IllegalArgumentException.class);
    }
}
