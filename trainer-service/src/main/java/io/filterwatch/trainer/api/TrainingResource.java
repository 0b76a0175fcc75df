package io.filterwatch.trainer.api;

import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.train.RunManager;
import io.filterwatch.trainer.train.RunStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** Start, watch and stop training runs. */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TrainingResource {

    @Inject
    RunManager runs;

    /** 201 with the run's status; 400 for an invalid config; 409 while another run is active. */
    @POST
    public Response start(RunConfig config) {
        try {
            RunStatus status = runs.start(config == null ? RunConfig.defaults() : config);
            return Response.created(URI.create("/runs/" + status.runId())).entity(status).build();
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        } catch (IllegalStateException e) {
            return error(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @GET
    public List<RunStatus> list() {
        return runs.all();
    }

    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") String id) {
        return runs.status(id).map(s -> Response.ok(s).build())
                .orElseGet(() -> error(Response.Status.NOT_FOUND, "no run " + id));
    }

    /** Asks the run to stop after its current step: 202; the run then reports STOPPED. */
    @DELETE
    @Path("/{id}")
    public Response stop(@PathParam("id") String id) {
        if (!runs.stop(id)) {
            return error(Response.Status.NOT_FOUND, "no run " + id);
        }
        return Response.accepted(runs.status(id).orElseThrow()).build();
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error", message)).build();
    }
}
