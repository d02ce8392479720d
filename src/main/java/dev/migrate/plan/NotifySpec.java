package dev.migrate.plan;

/**
 * One place to tell about the migration: a webhook whose URL is a secret (an environment variable or a
 * file), and the body it takes.
 */
public record NotifySpec(SecretRef webhook, Format format, Location at) {

    /** {@code slack}: {@code {"text": ...}} as Slack-compatible incoming webhooks take; {@code json}: the documented event object. */
    public enum Format {
        SLACK("slack"), JSON("json");

        private final String word;

        Format(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        public static Format fromWord(String w) {
            for (Format f : values()) if (f.word.equals(w)) return f;
            return null;
        }
    }

    /** Safe to print: names where the URL comes from, never the URL. */
    public String label() {
        return (webhook.kind() == SecretRef.Kind.ENV ? "webhookEnv " : "webhookFile ") + webhook.name();
    }
}
