package dev.migrate.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.secret.Redactor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A command's output is kept bounded, and no secret survives in it, not even the half a cut leaves. */
class OutputCaptureTest {
    static final String SECRET = "Zq8-cut-in-half-secret-771";

    static Commands.Captured capture(String text) {
        OutputCapture c = new OutputCapture();
        c.drain(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        return c.snapshot();
    }

    @Test
    void aShortOutputIsKeptWholeWithItsSecretsBlanked() {
        Redactor.global().register(SECRET);
        Commands.Captured c = capture("token " + SECRET + "\nlast line\n");
        assertThat(c.text()).isEqualTo("token ***\nlast line\n");
        assertThat(c.bytes()).isEqualTo(6 + SECRET.length() + 11);
        assertThat(c.truncated()).isFalse();
        assertThat(c.lastLine()).isEqualTo("last line");
    }

    @Test
    void aLongOutputKeepsItsFirstAndLastBytesAndCountsTheRest() {
        String text = "A".repeat(100_000) + "\nthe end\n";
        Commands.Captured c = capture(text);
        assertThat(c.bytes()).isEqualTo(text.length());
        assertThat(c.truncated()).isTrue();
        assertThat(c.text()).startsWith("A".repeat(OutputCapture.HEAD) + "\n[... "
                + (text.length() - OutputCapture.HEAD - OutputCapture.TAIL) + " bytes left out ...]\n").endsWith("\nthe end\n");
        assertThat(c.text().length()).isLessThan(OutputCapture.HEAD + OutputCapture.TAIL + 100);
    }

    @Test
    void aSecretCutByEitherEdgeOfWhatIsKeptIsBlankedToo() {
        Redactor.global().register(SECRET);
        // The secret starts 10 bytes before the end of the head, and another ends 10 bytes into the tail.
        String head = "h".repeat(OutputCapture.HEAD - 10) + SECRET;
        String middle = "m".repeat(50_000);
        String tailStart = SECRET;
        int tailFill = OutputCapture.TAIL - (SECRET.length() - 10) - 5;
        String text = head + middle + tailStart + "t".repeat(tailFill) + "\nend\n";
        Commands.Captured c = capture(text);
        assertThat(c.truncated()).isTrue();
        assertThat(c.text()).doesNotContain(SECRET.substring(0, 10)).doesNotContain(SECRET.substring(SECRET.length() - 10));
        assertThat(c.text()).contains("h***\n[... ").contains("...]\n***t");
    }

    @Test
    void theLastLineShownInMessagesHasNoControlCharacters() {
        Commands.Captured c = capture("ok\n\u001b[31mred alert\u0007\n\n");
        assertThat(c.lastLine()).isEqualTo("?[31mred alert?");
    }
}
