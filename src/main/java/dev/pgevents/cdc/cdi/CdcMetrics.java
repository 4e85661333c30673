package dev.pgevents.cdc.cdi;

import dev.pgevents.cdc.CdcAdmin;
import dev.pgevents.cdc.CdcStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.List;
import java.util.function.ToLongFunction;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * MicroProfile Metrics of CDC (gauges read at each scrape, -1 when the database does not answer):
 * {@code pgevents.cdc.slot.confirmed.lsn}, {@code pgevents.cdc.slot.retained.wal} (bytes the slot
 * keeps), {@code pgevents.cdc.slot.lag} (bytes between the current WAL position and the confirmed
 * one); per operator (tag {@code operator}) {@code pgevents.cdc.operator.applied.lsn},
 * {@code pgevents.cdc.operator.stopped} (1 when stopped), {@code pgevents.cdc.operator.attempts}
 * (failed attempts of the current transaction).
 */
@ApplicationScoped
public class CdcMetrics {

    @Inject
    MetricRegistry registry;

    void register(CdcAdmin admin, List<String> operators) {
        gauge("pgevents.cdc.slot.confirmed.lsn", "The slot's confirmed LSN", MetricUnits.NONE, admin,
                s -> s.slot().confirmedLsn() == null ? -1 : s.slot().confirmedLsn());
        gauge("pgevents.cdc.slot.retained.wal", "WAL the slot retains", MetricUnits.BYTES, admin,
                s -> s.slot().retainedWalBytes() == null ? -1 : s.slot().retainedWalBytes());
        gauge("pgevents.cdc.slot.lag", "WAL between the current position and the slot's confirmed LSN", MetricUnits.BYTES, admin,
                s -> s.slot().lagBytes() == null ? -1 : s.slot().lagBytes());
        for (String name : operators) {
            Tag tag = new Tag("operator", name);
            gauge("pgevents.cdc.operator.applied.lsn", "LSN up to which the operator handled every transaction",
                    MetricUnits.NONE, admin, s -> operator(s, name).appliedLsn(), tag);
            gauge("pgevents.cdc.operator.stopped", "1 when the operator stopped after its last retry", MetricUnits.NONE, admin,
                    s -> "stopped".equals(operator(s, name).status()) ? 1 : 0, tag);
            gauge("pgevents.cdc.operator.attempts", "Failed attempts of the operator's current transaction", MetricUnits.NONE,
                    admin, s -> operator(s, name).attempts(), tag);
        }
    }

    private static CdcStatus.OperatorStatus operator(CdcStatus s, String name) {
        return s.operators().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    private void gauge(String name, String description, String unit, CdcAdmin admin, ToLongFunction<CdcStatus> value, Tag... tags) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).withUnit(unit).build(), admin, a -> {
            try {
                return value.applyAsLong(a.status());
            } catch (SQLException | RuntimeException e) {
                return -1L;
            }
        }, tags);
    }
}
