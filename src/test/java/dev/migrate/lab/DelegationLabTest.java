package dev.migrate.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The delegation lab works as a provider move needs: a real resolver follows root -> parent -> child. */
class DelegationLabTest {

  @Test
  void unboundFollowsTheDelegationFromTheLabRootAndMovesWithIt() throws Exception {
    try (DelegationLab lab = DelegationLab.builder()
        .records("www 5 IN A 192.0.2.10\n")
        .newRecords("www 5 IN A 198.51.100.20\n")
        .parentNsTtl(5)
        .childNsTtl(5)
        .start()) {
      // The root refers test. to the parent, with glue on port 53 of a relay address.
      Message fromRoot = ask(lab.root().port(), "www.shop.test.", Type.A);
      assertThat(fromRoot.getHeader().getFlag(Flags.AA)).isFalse();
      assertThat(names(fromRoot, Section.AUTHORITY, Type.NS)).containsExactly("ns.nic.test.");
      // The parent delegates shop.test. to the old provider: NS in AUTHORITY, AA=0.
      Message fromParent = ask(lab.parent().port(), "shop.test.", Type.NS);
      assertThat(fromParent.getHeader().getFlag(Flags.AA)).isFalse();
      assertThat(fromParent.getSection(Section.ANSWER)).isEmpty();
      assertThat(names(fromParent, Section.AUTHORITY, Type.NS)).containsExactlyInAnyOrderElementsOf(lab.oldNameservers());
      // The nameservers' names are the parent's own data (no glue needed): answered with authority, each
      // with the port-53 relay address that leads to the old provider.
      Message ns1 = ask(lab.parent().port(), lab.oldNameservers().get(0), Type.A);
      assertThat(ns1.getHeader().getFlag(Flags.AA)).isTrue();
      assertThat(names(ns1, Section.ANSWER, Type.A))
          .containsExactly(lab.addressOf(lab.oldNameservers().get(0)).getHostAddress());

      // Unbound, knowing only the root hints, finds the old provider's answer.
      assertThat(resolve(lab, "www.shop.test.")).containsExactly("192.0.2.10");

      // The registrar moves the delegation; once the cached answer and NS sets expire (5 s each, at the
      // parent and in the child), Unbound asks the new provider.
      lab.registrar(lab.newNameservers(), 5);
      assertThat(names(ask(lab.parent().port(), "shop.test.", Type.NS), Section.AUTHORITY, Type.NS))
          .containsExactlyInAnyOrderElementsOf(lab.newNameservers());
      List<String> seen = List.of();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        seen = resolve(lab, "www.shop.test.");
        if (seen.equals(List.of("198.51.100.20"))) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(seen).as("unbound log:\n%s", lab.resolver().logTail()).containsExactly("198.51.100.20");
    }
  }

  @Test
  void theRegistrarCanPutAndRemoveADsAtTheParent() throws Exception {
    try (DelegationLab lab = DelegationLab.builder().start()) {
      String ds = "12345 13 2 " + "AB".repeat(32);
      lab.addDs(ds, 120);
      Message withDs = ask(lab.parent().port(), "shop.test.", Type.DS);
      // The parent answers the DS itself, with authority (RFC 4034 §5).
      assertThat(withDs.getHeader().getFlag(Flags.AA)).isTrue();
      assertThat(withDs.getSection(Section.ANSWER)).hasSize(1);
      assertThat(withDs.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(120);
      lab.removeDs();
      Message without = ask(lab.parent().port(), "shop.test.", Type.DS);
      assertThat(without.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(without.getSection(Section.ANSWER)).isEmpty();
    }
  }

  private static List<String> resolve(DelegationLab lab, String name) throws IOException {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", lab.resolver().port()));
    r.setTimeout(Duration.ofSeconds(5));
    Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
    assertThat(Rcode.string(m.getRcode())).as("unbound log:\n%s", lab.resolver().logTail()).isEqualTo("NOERROR");
    return m.getSection(Section.ANSWER).stream().filter(x -> x.getType() == Type.A)
        .map(Record::rdataToString).collect(Collectors.toList());
  }

  /** RD=0, as a resolver asks an authoritative server. */
  private static Message ask(int port, String name, int type) throws IOException {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    q.getHeader().unsetFlag(Flags.RD);
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
    r.setTimeout(Duration.ofSeconds(3));
    return r.send(q);
  }

  private static List<String> names(Message m, int section, int type) {
    return m.getSection(section).stream().filter(r -> r.getType() == type)
        .map(r -> r.rdataToString()).collect(Collectors.toList());
  }
}
