package io.filterwatch.probe.api;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.filterwatch.probe.consume.ProbeCounters;
import io.filterwatch.probe.consume.ProbeLoop;
import io.filterwatch.probe.consume.ProbeService;

/** What this instance is doing: partitions owned, layers held, records through. */
@Path("/probe/status")
public class StatusResource {

    /** The status document. */
    public record Status(boolean running, List<String> partitions, int layers, long records, long replayed,
                         long snapshots, long filterStats, long layerStats, long deadLetters, long duplicates,
                         long placedLate, long restarts) {
    }

    private final ProbeService service;

    public StatusResource(ProbeService service) {
        this.service = service;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Status status() {
        ProbeLoop loop = service.loop();
        ProbeCounters c = service.counters();
        List<String> partitions = loop == null ? List.of()
                : loop.assignment().stream().map(Object::toString).sorted().toList();
        return new Status(service.running(), partitions, loop == null ? 0 : loop.layers(), c.records.sum(),
                c.replayed.sum(), c.snapshots.sum(), c.filterStats.sum(), c.layerStats.sum(), c.deadLetters.sum(),
                c.duplicates.sum(), c.placedLate.sum(), c.restarts.sum());
    }
}
