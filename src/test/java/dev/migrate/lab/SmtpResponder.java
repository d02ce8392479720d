package dev.migrate.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A small SMTP server for mail checks (LAB-NOTES: "a small SMTP responder in the test code is enough"):
 * real sockets on 127.0.0.1, a port chosen by the kernel, and answers chosen by the test: the greeting
 * (220, or 421 / 554 for a host that turns senders away), MAIL FROM and RCPT TO codes (250 for the new
 * host, 451 for a host that holds mail back, 550 for one that would bounce it), and STARTTLS (RFC 3207)
 * with a certificate from {@link TestCa}. It never takes mail: DATA is answered 554 and recorded, so a
 * test can show that a check never sends it.
 *
 * <pre>{@code
 * try (SmtpResponder hold = SmtpResponder.builder().rcpt(451).start()) {
 *   // 127.0.0.1:hold.port(); hold.transcript() lists the commands received
 * }
 * }</pre>
 */
public final class SmtpResponder implements AutoCloseable {
  private static final int READ_TIMEOUT_MS = 10_000;
  private static final int MAX_LINE = 4096;

  private final ServerSocket server;
  private final Builder config;
  private final SSLContext tls;
  private final ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "lab-smtp");
    t.setDaemon(true);
    return t;
  });
  private final List<String> transcript = new CopyOnWriteArrayList<>();

  private SmtpResponder(ServerSocket server, Builder config, SSLContext tls) {
    this.server = server;
    this.config = config;
    this.tls = tls;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code 127.0.0.1:PORT}, as a plan writes it. */
  public String address() {
    return "127.0.0.1:" + port();
  }

  /** Every command line received, in order, over all connections (STARTTLS-protected ones included). */
  public List<String> transcript() {
    return List.copyOf(transcript);
  }

  /** Options; {@link #start()} binds the port and answers. */
  public static final class Builder {
    private int greeting = 220;
    private String greetingText = "mx.lab.test ESMTP migrate lab";
    private int mail = 250;
    private int rcpt = 250;
    private TestCa.ServerCert certificate;

    private Builder() {}

    /** The greeting's code: 220 (default), 421 (closes at once) or 554 (waits for QUIT, RFC 5321 §3.1). */
    public Builder greeting(int code) {
      this.greeting = code;
      return this;
    }

    /** The greeting's text after the code, sent as given (a test of hostile banners). */
    public Builder greetingText(String text) {
      this.greetingText = text;
      return this;
    }

    /** The answer to MAIL FROM (default 250). */
    public Builder mail(int code) {
      this.mail = code;
      return this;
    }

    /** The answer to RCPT TO: 250 (default), 451, 550, ... */
    public Builder rcpt(int code) {
      this.rcpt = code;
      return this;
    }

    /** Offer STARTTLS with this certificate (and its key). */
    public Builder starttls(TestCa.ServerCert cert) {
      this.certificate = cert;
      return this;
    }

    public SmtpResponder start() {
      SSLContext ctx = null;
      if (certificate != null) {
        try {
          HeldCertificate held = HeldCertificate.decode(Files.readString(certificate.certPem())
              + Files.readString(certificate.keyPem()));
          ctx = new HandshakeCertificates.Builder().heldCertificate(held).build().sslContext();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      try {
        ServerSocket s = new ServerSocket();
        // Port 0: the kernel picks a free one while binding, so there is no window for a collision.
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        SmtpResponder r = new SmtpResponder(s, this, ctx);
        Thread accept = new Thread(r::acceptLoop, "lab-smtp-accept-" + s.getLocalPort());
        accept.setDaemon(true);
        accept.start();
        return r;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        workers.execute(() -> converse(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void converse(Socket plain) {
    Socket s = plain;
    try (plain) {
      plain.setSoTimeout(READ_TIMEOUT_MS);
      reply(s, greeting(config.greeting) + " " + config.greetingText);
      if (config.greeting == 421) {
        return; // RFC 5321 §3.8: 421, then close
      }
      boolean secured = false;
      while (true) {
        String line = readLine(s);
        if (line == null) {
          return;
        }
        transcript.add(line);
        String verb = line.split("[ :]", 2)[0].toUpperCase(Locale.ROOT);
        if (verb.equals("QUIT")) {
          reply(s, "221 2.0.0 Bye");
          return;
        }
        if (config.greeting != 220) {
          reply(s, "503 5.5.1 No SMTP service here");
          continue;
        }
        switch (verb) {
          case "EHLO" -> {
            List<String> caps = new ArrayList<>(List.of("mx.lab.test", "SIZE 10240000"));
            if (tls != null && !secured) {
              caps.add("STARTTLS");
            }
            caps.add("8BITMIME");
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < caps.size(); i++) {
              b.append("250").append(i == caps.size() - 1 ? ' ' : '-').append(caps.get(i));
              if (i < caps.size() - 1) {
                b.append("\r\n");
              }
            }
            reply(s, b.toString());
          }
          case "HELO", "RSET", "NOOP" -> reply(s, "250 2.0.0 OK");
          case "STARTTLS" -> {
            if (tls == null || secured) {
              reply(s, "502 5.5.1 STARTTLS not offered");
              continue;
            }
            reply(s, "220 2.0.0 Ready to start TLS");
            SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
            t.setUseClientMode(false);
            t.setSoTimeout(READ_TIMEOUT_MS);
            try {
              t.startHandshake();
            } catch (IOException e) {
              transcript.add("(TLS handshake failed: " + e.getClass().getSimpleName() + ")");
              return;
            }
            s = t;
            secured = true;
          }
          case "MAIL" -> reply(s, config.mail + " " + text(config.mail, "sender"));
          case "RCPT" -> reply(s, config.rcpt + " " + text(config.rcpt, "recipient"));
          case "DATA" -> reply(s, "554 5.5.1 This lab server takes no mail");
          default -> reply(s, "500 5.5.2 Command not recognised");
        }
      }
    } catch (SocketException e) {
      // the client went away
    } catch (IOException e) {
      transcript.add("(" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    } finally {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private static String greeting(int code) {
    return Integer.toString(code);
  }

  private static String text(int code, String what) {
    return switch (code / 100) {
      case 2 -> "2.1.0 " + what + " OK";
      case 4 -> "4.3.0 Mailbox moving, try again later";
      default -> "5.1.1 No such " + what + " here";
    };
  }

  private static void reply(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String readLine(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
      }
      if (c == '\n') {
        String l = b.toString(StandardCharsets.UTF_8);
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
      }
      if (b.size() < MAX_LINE) {
        b.write(c);
      }
    }
  }

  /** Stops listening and ends every conversation (bounded wait). */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // already closed
    }
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
