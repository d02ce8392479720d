package dev.migrate.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that starts lab servers (BIND, Knot, PowerDNS, Unbound, nginx, PostgreSQL) or runs
 * their tools (named-checkzone, nsupdate, man). Such classes run in the lab tier, {@code mvn verify}, after
 * the servers are installed; {@code mvn test} leaves them out so it runs on a laptop without root. A class
 * that needs a lab binary and lacks this mark fails in {@code mvn test} ({@link LabBinaries#require}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(LabTest.TAG)
public @interface LabTest {
  String TAG = "lab";
}
