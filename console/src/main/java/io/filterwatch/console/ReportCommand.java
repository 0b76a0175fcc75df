package io.filterwatch.console;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes one self-contained HTML report for a run, or several runs side by side. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write one self-contained HTML report (Chart.js inlined, renders offline) for a run or several runs side by side.")
public final class ReportCommand implements Callable<Integer> {

    @Mixin
    ConsoleMain.Connection connection = new ConsoleMain.Connection();

    @Option(names = "--run", required = true, description = "Run id; give it several times to compare the runs side by side.")
    List<String> runs = new ArrayList<>();

    @Option(names = {"-o", "--out"}, defaultValue = "filterwatch-report.html", description = "Output file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        try (InfluxQueries influx = connection.open()) {
            Path written = write(influx, runs, connection.api, out);
            System.out.println("report written: " + written.toAbsolutePath());
            return 0;
        }
    }

    /** Loads the runs, fetches their pruning plans from the aggregator and writes the report. */
    public static Path write(InfluxQueries influx, List<String> runIds, String api, Path out) throws java.io.IOException {
        List<ReportModelBuilder.RunInput> inputs = new ArrayList<>();
        for (String id : runIds) {
            RunHistory run = RunHistory.loadFull(influx, id);
            if (run.layerHistory.isEmpty() && run.events.isEmpty()) {
                System.err.println("report: warning: InfluxDB has nothing for run " + id);
            }
            inputs.add(new ReportModelBuilder.RunInput(run, PruningPlans.of(api, id)));
        }
        String html = HtmlReport.render(ReportModelBuilder.build(inputs, System.currentTimeMillis()));
        Path abs = out.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Files.writeString(abs, html, StandardCharsets.UTF_8);
        return abs;
    }
}
