package io.modelgateway.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Amounts are exact or refused: any decimal, whatever its exponent, either converts to exactly its value in
 * micro-units or is refused with an {@link IllegalArgumentException}, and the size is decided from the digits
 * and the exponent, so {@code 1e10000000} is refused without building a ten-million-digit number.
 */
class MicrosTest {

    @Property(tries = 2000)
    void anyDecimalIsExactOrRefused(
            @ForAll @LongRange(min = -99_999_999_999L, max = 99_999_999_999L) long unscaled,
            @ForAll @IntRange(min = -1_000_000_000, max = 1_000_000_000) int scale) {
        BigDecimal units = BigDecimal.valueOf(unscaled, scale);
        long micros;
        try {
            micros = Micros.fromUnits(units);
        } catch (IllegalArgumentException refused) {
            // Refused only when it truly does not fit or needs more than six decimals.
            boolean smallExponent = Math.abs(scale) < 40;
            if (smallExponent) {
                BigDecimal exact = units.movePointRight(6);
                assertThat(exact.stripTrailingZeros().scale() > 0
                                || exact.toBigInteger().bitLength() > 63)
                        .as(units.toString())
                        .isTrue();
            }
            return;
        }
        assertThat(BigDecimal.valueOf(micros, 6).compareTo(units))
                .as(units.toString())
                .isZero();
    }

    @Property(tries = 500)
    void formatAndParseAreInverses(@ForAll long micros) {
        assertThat(Micros.parse(Micros.format(micros))).isEqualTo(micros);
    }

    @Example
    void hugeExponentsAreRefusedAtOnce() {
        for (String text : new String[] {
            "1e10000000",
            "-1e99999",
            "1e-99999",
            "1E+999999999",
            "9223372036854.775808",
            "10000000000000",
            "0.0000001",
            "1" + "0".repeat(40)
        }) {
            assertThatThrownBy(() -> Micros.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Micros.fromUnits(new BigDecimal(BigInteger.ONE, -10_000_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("000000000000");
    }

    @Example
    void theEdgesOfALongConvert() {
        assertThat(Micros.parse("9223372036854.775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Micros.parse("-9223372036854.775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(Micros.parse("2.500000000")).isEqualTo(2_500_000);
        assertThat(Micros.parse("1e2")).isEqualTo(100_000_000);
        assertThat(Micros.parse("-0.000001")).isEqualTo(-1);
        assertThat(Micros.parse("0E-99999")).isZero();
    }
}
