package dev.migrate.notify;

import dev.migrate.engine.Notice;
import dev.migrate.engine.Notifier;
import dev.migrate.plan.NotifySpec;
import dev.migrate.plan.Plan;
import dev.migrate.provider.http.HttpProviders;
import dev.migrate.secret.Redactor;
import dev.migrate.secret.Secret;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Posts notices to the plan's webhooks. A webhook URL is a secret (it is the credential): it is read from
 * the environment variable or file the plan names when a notice goes out, registered with the redactor,
 * never printed, and only sent over https (plain http only to loopback). Each post is bounded
 * ({@link #TIMEOUT}) and tried up to {@link #TRIES} times when the failure may pass (no connection, a
 * timeout, 408, 429, 5xx); a 4xx otherwise is final.
 */
public final class WebhookNotifier implements Notifier {
    static final int TRIES = 3;
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");

    private final List<NotifySpec> targets;
    private final Function<String, String> environment;
    private final OkHttpClient client;
    private final Sleeper sleeper;

    WebhookNotifier(List<NotifySpec> targets, Function<String, String> environment, Duration timeout, Sleeper sleeper) {
        this.targets = List.copyOf(targets);
        this.environment = environment;
        this.client = HttpProviders.client(timeout);
        this.sleeper = sleeper;
    }

    /** The plan's webhooks, or {@link Notifier#NONE} when it names none. */
    public static Notifier forPlan(Plan plan, Function<String, String> environment) {
        if (plan.notifications() == null || plan.notifications().isEmpty()) return Notifier.NONE;
        return new WebhookNotifier(plan.notifications(), environment, TIMEOUT, Sleeper.REAL);
    }

    @Override
    public List<Delivery> deliver(Notice notice) throws InterruptedException {
        List<Delivery> out = new ArrayList<>();
        try {
            for (NotifySpec t : targets) out.add(deliver(t, notice));
        } finally {
            client.connectionPool().evictAll();
        }
        return out;
    }

    private Delivery deliver(NotifySpec t, Notice n) throws InterruptedException {
        HttpUrl url;
        try {
            Secret s = t.webhook().load(environment);
            url = HttpUrl.parse(s.reveal());
        } catch (IllegalStateException e) {
            return new Delivery(t.label(), false, 0, e.getMessage());
        }
        if (url == null) {
            return new Delivery(t.label(), false, 0, "the URL in " + t.webhook().describe() + " is not an http(s) URL");
        }
        if (!url.isHttps() && !HttpProviders.isLoopback(url.host())) {
            return new Delivery(t.label(), false, 0, "the URL in " + t.webhook().describe() + " uses plain http to a host"
                    + " that is not loopback; a webhook URL is a credential: use https");
        }
        Request request = new Request.Builder().url(url).post(RequestBody.create(WebhookBodies.of(t.format(), n), JSON_TYPE))
                .header("User-Agent", "migrate").build();
        String error = null;
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            boolean again;
            try (Response r = client.newCall(request).execute()) {
                if (r.isSuccessful()) return new Delivery(t.label(), true, attempt, null);
                String body = r.body() == null ? "" : r.body().string();
                error = "HTTP " + r.code() + (body.isBlank() ? "" : ": " + HttpProviders.quote(body));
                again = r.code() == 408 || r.code() == 429 || r.code() >= 500;
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                again = true;
            }
            if (!again || attempt == TRIES) {
                return new Delivery(t.label(), false, attempt, Redactor.global().redact(error));
            }
            sleeper.sleep(Duration.ofSeconds(attempt));
        }
        return new Delivery(t.label(), false, TRIES, Redactor.global().redact(error));
    }
}
