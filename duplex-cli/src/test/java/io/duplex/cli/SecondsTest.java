package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.cli.options.Seconds;
import org.junit.jupiter.api.Test;

/** Durations on the command line: plain numbers are seconds; ms, s, m and h are units. */
class SecondsTest {

    @Test
    void plainNumbersAreSecondsAndUnitsScale() {
        assertThat(Seconds.parse("10")).isEqualTo(10.0);
        assertThat(Seconds.parse("0.5")).isEqualTo(0.5);
        assertThat(Seconds.parse(".25")).isEqualTo(0.25);
        assertThat(Seconds.parse("3s")).isEqualTo(3.0);
        assertThat(Seconds.parse("250ms")).isEqualTo(0.25);
        assertThat(Seconds.parse("2m")).isEqualTo(120.0);
        assertThat(Seconds.parse("1.5M")).isEqualTo(90.0);
        assertThat(Seconds.parse("1h")).isEqualTo(3600.0);
        assertThat(Seconds.parse(" 7S ")).isEqualTo(7.0);
        assertThat(Seconds.parse("0")).isEqualTo(0.0);
        assertThat(Seconds.parse("-1")).isEqualTo(-1.0); // the option's range check refuses it
    }

    @Test
    void anythingElseIsNotADuration() {
        for (String bad :
                new String[] {"", "s", "ms", "3x", "1e3", "NaN", "Infinity", "0x10", "3 s s", "1d", "1.2.3", "--1"}) {
            assertThatThrownBy(() -> Seconds.parse(bad)).as(bad).hasMessageContaining("not a duration");
        }
    }

    @Test
    void benchTakesItsDurationInUnitsAsWrkAndK6UsersWriteIt() {
        Cli.Result help = Cli.run("", "bench", "--help");
        assertThat(help.out()).contains("--duration=DURATION");
        ServeCommandTest.assertUsage("not a duration: '3x'", "bench", "--duration", "3x", "ws://h/");
        ServeCommandTest.assertUsage("--duration must be between", "bench", "--duration", "0ms", "ws://h/");
    }
}
