package dev.migrate.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OffsetTest {
    static final Instant T = Instant.parse("2026-12-01T02:00:00Z");

    @ParameterizedTest(name = "{0} is {1} s from T")
    @CsvSource({
            "T,            0",
            "T+0s,         0",
            "T+90s,        90",
            "T-90s,        -90",
            "T+5m,         300",
            "T-1h30m,      -5400",
            "T+2d,         172800",
            "T-72h,        -259200",
            "T+1d2h3m4s,   93784",
            "' T+5m ',     300",     // surrounding blanks are forgiven
            "T+36500d,     3153600000", // the limit itself is allowed
    })
    void parses(String text, long seconds) {
        Offset o = Offset.parse(text);
        assertThat(o.fromCutover()).isEqualTo(Duration.ofSeconds(seconds));
        assertThat(o.from(T)).isEqualTo(T.plusSeconds(seconds));
        assertThat(o.text()).isEqualTo(text.trim());
        assertThat(o).hasToString(text.trim());
    }

    @ParameterizedTest(name = "''{0}'' is not an offset")
    @ValueSource(strings = {"", "T+", "T-", "T+5x", "T+5", "t+5m", "T+5M", "T 5m", "T + 5m", "T+-5m", "X+5m", "5m",
            "T+1.5h", "T+5m-1m", "+5m", "T+5w", "T5m", "TT"})
    void rejectsMalformed(String text) {
        assertThatThrownBy(() -> Offset.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an offset from T")
                .hasMessageContaining("T+90s");
        assertThat(Offset.wellFormed(text)).isFalse();
    }

    @ParameterizedTest(name = "''{0}'' is too far from T")
    @ValueSource(strings = {"T+36501d", "T-36500d1s", "T+106751991167301d", "T+99999999999999999999s", "T-9999999999999d"})
    void rejectsOffsetsTheClockCannotHold(String text) {
        assertThatThrownBy(() -> Offset.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than 36500 days");
        assertThat(Offset.wellFormed(text)).isTrue();
    }

    @Test
    void signMatters() {
        assertThat(Offset.parse("T-1h").from(T)).isEqualTo(Instant.parse("2026-12-01T01:00:00Z"));
        assertThat(Offset.parse("T+1h").from(T)).isEqualTo(Instant.parse("2026-12-01T03:00:00Z"));
    }

    @Test
    void parentTtlIsAProviderMovesSoakAfterTheAwaitDelegationPhase() {
        Offset o = Offset.parse("delegated+parent-ttl+1h", java.util.Set.of("delegated"));
        assertThat(o.anchor()).isEqualTo("delegated");
        assertThat(o.soak()).isTrue();
        assertThat(o.span(300, Duration.ofSeconds(259200))).isEqualTo(Duration.ofSeconds(259200 + 3600));
        assertThat(Offset.parse("await-delegation+parent-ttl", java.util.Set.of("await-delegation")).soak()).isTrue();
        assertThat(Offset.parse("delegated+ttl", java.util.Set.of("delegated")).soak()).isFalse();
        assertThatThrownBy(() -> Offset.parse("delegated-parent-ttl", java.util.Set.of("delegated")))
                .hasMessageContaining("added once");
        assertThatThrownBy(() -> Offset.parse("T+parent-ttl", java.util.Set.of("delegated")))
                .hasMessageContaining("not from T");
        assertThatThrownBy(o::fromCutover).isInstanceOf(IllegalStateException.class);
    }
}
