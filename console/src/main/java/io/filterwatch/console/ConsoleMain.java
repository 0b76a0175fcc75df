package io.filterwatch.console;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import io.filterwatch.console.backtest.BacktestCommand;
import io.filterwatch.console.backtest.RecordCommand;
import io.filterwatch.console.study.StudyCommand;
import io.filterwatch.protocol.influx.InfluxSchema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code filterwatch-console watch|report|record|backtest|study}: FilterWatch in the terminal and as an HTML report (from InfluxDB),
 * offline backtests of the alert rules, and the table of a study's grid of settings.
 */
@Command(name = "filterwatch-console", mixinStandardHelpOptions = true, version = "FilterWatch console 0.1.0",
        description = "Watch FilterWatch runs live in the terminal, write an HTML report from InfluxDB, or record runs "
                + "from Kafka and backtest the alert rules on them offline, or analyse a study's grid of settings from its recordings.",
        subcommands = {WatchCommand.class, ReportCommand.class, RecordCommand.class, BacktestCommand.class, StudyCommand.class})
public final class ConsoleMain implements Runnable {

    /** Connection options shared by the subcommands. */
    static final class Connection {
        @Option(names = "--influx-url", defaultValue = "${env:FW_INFLUX_URL:-http://127.0.0.1:8086}",
                description = "InfluxDB 1.x URL (default: ${DEFAULT-VALUE}).")
        String influxUrl;

        @Option(names = "--database", defaultValue = "${env:FW_INFLUX_DATABASE:-" + InfluxSchema.DEFAULT_DATABASE + "}", description = "Database (default: ${DEFAULT-VALUE}).")
        String database;

        @Option(names = "--influx-user", defaultValue = "${env:FW_INFLUX_USER:-}", description = "InfluxDB user, if auth is on.")
        String user;

        @Option(names = "--influx-password", defaultValue = "${env:FW_INFLUX_PASSWORD:-}", description = "InfluxDB password.")
        String password;

        @Option(names = "--api", defaultValue = "${env:FW_AGGREGATOR_URL:-http://127.0.0.1:8082}",
                description = "The aggregator's REST base URL, for the pruning plan (default: ${DEFAULT-VALUE}); '' to skip.")
        String api;

        InfluxQueries open() {
            return new InfluxQueries(influxUrl, database, user, password);
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String... args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new ConsoleMain());
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        return cl.execute(args);
    }
}
