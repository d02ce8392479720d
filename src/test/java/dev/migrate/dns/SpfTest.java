package dev.migrate.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpfTest {
    static InetAddress ip(String s) {
        return Addresses.parse(s);
    }

    static final Map<InetAddress, InetAddress> MOVES = Map.of(ip("203.0.113.25"), ip("198.51.100.25"),
            ip("2001:db8:10::25"), ip("2001:db8:20::25"));

    @Test
    void movesIp4AndIp6MechanismsWithAnyQualifierAndKeepsEverythingElse() {
        Spf.Rewritten r = Spf.rewrite("\"v=spf1 mx IP4:203.0.113.25 ~ip6:2001:db8:10:0:0:0:0:25/128 include:_spf.example.net -all\"", MOVES);
        assertThat(r.rdata()).isEqualTo("\"v=spf1 mx IP4:198.51.100.25 ~ip6:2001:db8:20::25/128 include:_spf.example.net -all\"");
        assertThat(r.moved()).containsExactly("IP4:203.0.113.25 -> IP4:198.51.100.25",
                "~ip6:2001:db8:10:0:0:0:0:25/128 -> ~ip6:2001:db8:20::25/128");
        assertThat(r.movedFrom()).containsExactlyInAnyOrder(ip("203.0.113.25"), ip("2001:db8:10::25"));
    }

    @Test
    void aNetworkHoldingTheAddressIsLeftAloneAndNamed() {
        Spf.Rewritten r = Spf.rewrite("\"v=spf1 ip4:203.0.113.0/24 -all\"", MOVES);
        assertThat(r.moved()).isEmpty();
        assertThat(r.rdata()).isEqualTo("\"v=spf1 ip4:203.0.113.0/24 -all\"");
        assertThat(r.untouched()).containsExactly("ip4:203.0.113.0/24 holds 203.0.113.25");
    }

    @Test
    void onlySpfRecordsAreTouchedAndSplitStringsAreReadAsOne() {
        assertThat(Spf.rewrite("\"google-site-verification=ip4:203.0.113.25\"", MOVES).moved()).isEmpty();
        assertThat(Spf.isSpf("\"v=spf10 ip4:203.0.113.25\"")).isFalse();
        Spf.Rewritten r = Spf.rewrite("\"v=spf1 ip4:203.0.\" \"113.25 -all\"", MOVES);
        assertThat(r.rdata()).isEqualTo("\"v=spf1 ip4:198.51.100.25 -all\"");
    }

    @Test
    void aLongRecordIsWrittenBackAsStringsOfAtMost255Bytes() {
        String longText = "v=spf1 ip4:203.0.113.25 " + "include:_spf%02d.example.net ".repeat(12).formatted(
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11) + "-all";
        String rdata = Spf.toRdata(longText.replace("203.0.113.25", "203.0.113.26"));
        Spf.Rewritten r = Spf.rewrite(rdata.replace("203.0.113.26", "203.0.113.25"), MOVES);
        assertThat(Spf.text(r.rdata())).isEqualTo(longText.replace("203.0.113.25", "198.51.100.25"));
        assertThat(r.rdata()).contains("\" \"");
    }

    @Test
    void findsAddressesWrittenAnywhereInTxtText() {
        assertThat(Spf.addressesIn("\"v=spf1 ip4:203.0.113.25 +ip6:2001:db8:10::25/64 a:mail.example.com -all\""))
                .containsExactly(ip("203.0.113.25"), ip("2001:db8:10::25"));
        assertThat(Spf.addressesIn("\"our old server is 203.0.113.25, see fe80::1\"")).containsExactly(ip("203.0.113.25"), ip("fe80::1"));
        assertThat(Spf.addressesIn("\"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1\"")).isEmpty();
    }

    @Test
    void addressesAreWrittenAsOperatorsWriteThem() {
        assertThat(Addresses.text(ip("2001:db8:0:0:0:0:0:10"))).isEqualTo("2001:db8::10");
        assertThat(Addresses.text(ip("2001:db8:0:1:0:0:0:1"))).isEqualTo("2001:db8:0:1::1");
        assertThat(Addresses.text(ip("2001:0:0:1:0:0:0:1"))).isEqualTo("2001:0:0:1::1");
        assertThat(Addresses.text(ip("::1"))).isEqualTo("::1");
        assertThat(Addresses.text(ip("::"))).isEqualTo("::");
        assertThat(Addresses.text(ip("2001:db8:1:2:3:4:5:6"))).isEqualTo("2001:db8:1:2:3:4:5:6");
    }
}
