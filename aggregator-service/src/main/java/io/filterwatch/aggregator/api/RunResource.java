package io.filterwatch.aggregator.api;

import java.util.Collection;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.filterwatch.aggregator.AggregatorService;
import io.filterwatch.aggregator.runs.PruningPlanner;
import io.filterwatch.aggregator.runs.RunState;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.PruningPlan;

/**
 * Runs, their sparsity and their alerts, served from the in-memory state the pipeline rebuilds from
 * the topics (no InfluxDB round trip; the API keeps answering during an InfluxDB outage).
 */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs", description = "Training runs watched by FilterWatch")
public class RunResource {

    @Inject
    AggregatorService service;

    @GET
    @Operation(summary = "Every known run with its current share of dead filters and open alerts")
    public List<RunViews.RunItem> runs() {
        Collection<RunState> runs = service.registry().all();
        return runs.stream().map(RunViews::item).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A run's summary: per layer alive, dying, dead by each test, and the headline share of dead filters")
    public RunViews.RunSummary run(@PathParam("id") String id) {
        return RunViews.summary(find(id));
    }

    @GET
    @Path("/{id}/layers/{layer}/filters")
    @Operation(summary = "The latest statistics of every filter of one layer")
    public List<FilterStat> filters(@PathParam("id") String id, @PathParam("layer") String layer) {
        return find(id).layer(layer).orElseThrow(() -> new NotFoundException("No layer " + layer + " in run " + id)).filters();
    }

    @GET
    @Path("/{id}/alerts")
    @Operation(summary = "The run's alert episodes (latest status of each), oldest first")
    public List<Alert> alerts(@PathParam("id") String id) {
        return find(id).alerts();
    }

    @GET
    @Path("/{id}/pruning-plan")
    @Operation(summary = "What can be cut exactly: per layer the removable filters, the constants to fold into their "
            + "consumers (from the run's topology), residual groups removable only together, blocked filters and why, "
            + "parameters and FLOPs saved, each weight once")
    public PruningPlan pruningPlan(@PathParam("id") String id) {
        return PruningPlanner.plan(find(id));
    }

    private RunState find(String id) {
        return service.registry().find(id).orElseThrow(() -> new NotFoundException("No run " + id));
    }
}
