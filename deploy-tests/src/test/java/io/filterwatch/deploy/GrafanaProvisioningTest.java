package io.filterwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.filterwatch.protocol.influx.InfluxSchema;

/** Grafana as code: every provisioning file and dashboard under grafana/ parses and is consistent. */
class GrafanaProvisioningTest {
    /** The aggregator's rules, from their one home in snapshot-protocol. */
    static final Set<String> AGGREGATOR_RULES = java.util.Arrays.stream(io.filterwatch.protocol.AlertRule.values())
            .map(io.filterwatch.protocol.AlertRule::ruleName).collect(Collectors.toSet());
    static final Set<String> CONTACT_POINT_TYPES_WITH_URL = Set.of("webhook", "slack", "alertmanager", "discord", "teams", "googlechat");

    final Path root = RepoFiles.root();

    @Test
    void everyProvisioningFileParsesWithApiVersion1AndKnownKeys() {
        Map<String, Set<String>> allowed = Map.of(
                "datasources", Set.of("apiVersion", "datasources", "deleteDatasources", "prune"),
                "dashboards", Set.of("apiVersion", "providers"),
                "alerting", Set.of("apiVersion", "groups", "deleteRules", "contactPoints", "deleteContactPoints",
                        "policies", "resetPolicies", "templates", "deleteTemplates", "muteTimes", "deleteMuteTimes"));
        List<Path> files = DashboardQueries.files(root.resolve("grafana/provisioning"), ".yaml", ".yml");
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (Path f : files) {
            String folder = f.getParent().getFileName().toString();
            assertThat(allowed).as("provisioning folder of " + f).containsKey(folder);
            JsonNode doc = RepoFiles.yaml(f);
            assertThat(doc.path("apiVersion").asInt()).as(f + " apiVersion").isEqualTo(1);
            doc.fieldNames().forEachRemaining(k -> assertThat(allowed.get(folder)).as(f + " top-level key").contains(k));
        }
    }

    @Test
    void datasourceIsInfluxQlWithFixedUidAndCredentialsFromEnv() {
        List<JsonNode> ds = datasources();
        assertThat(ds).extracting(d -> d.path("uid").asText()).containsExactly(RepoFiles.DATASOURCE_UID);
        JsonNode d = ds.get(0);
        assertThat(d.path("type").asText()).isEqualTo("influxdb");
        assertThat(d.path("access").asText()).isEqualTo("proxy");
        assertThat(d.path("jsonData").path("version").asText()).isEqualTo("InfluxQL");
        assertThat(d.path("url").asText()).isEqualTo("${INFLUXDB_URL}");
        assertThat(d.path("user").asText()).isEqualTo("${INFLUXDB_USERNAME}");
        assertThat(d.path("jsonData").path("dbName").asText()).isEqualTo("${INFLUXDB_DATABASE}");
        assertThat(d.path("secureJsonData").path("password").asText()).isEqualTo("${INFLUXDB_PASSWORD}");
        assertThat(d.has("password")).as("plain-text password field").isFalse();
        assertThat(d.has("basicAuthPassword")).isFalse();
        assertThat(RepoFiles.grafanaEnv(root)).contains("INFLUXDB_URL", "INFLUXDB_USERNAME", "INFLUXDB_PASSWORD", "INFLUXDB_DATABASE");
    }

    @Test
    void dashboardProviderPointsAtTheMountedFolder() {
        List<Path> files = DashboardQueries.files(root.resolve("grafana/provisioning/dashboards"), ".yaml", ".yml");
        assertThat(files).hasSize(1);
        JsonNode providers = RepoFiles.yaml(files.get(0)).path("providers");
        assertThat(providers).hasSize(1);
        JsonNode p = providers.get(0);
        assertThat(p.path("type").asText()).isEqualTo("file");
        assertThat(p.path("options").path("path").asText()).isEqualTo(RepoFiles.DASHBOARDS_PATH);
        assertThat(p.path("folder").asText()).isEqualTo("FilterWatch");
    }

    @Test
    void dashboardsAndAlertRulesShareOneFolder() {
        // Rule groups name their folder by title only, and Grafana provisions them before the
        // dashboards, creating the folder; a folderUid on the provider would give the dashboards a
        // second folder of the same title. Both by the same title: one folder, one uid.
        JsonNode provider = RepoFiles.yaml(DashboardQueries.files(root.resolve("grafana/provisioning/dashboards"), ".yaml", ".yml").get(0))
                .path("providers").get(0);
        assertThat(provider.has("folderUid")).as("dashboard provider folderUid").isFalse();
        Set<String> folders = new HashSet<>();
        for (Path f : DashboardQueries.files(root.resolve("grafana/provisioning/alerting"), ".yaml", ".yml")) {
            for (JsonNode group : RepoFiles.yaml(f).path("groups")) {
                folders.add(group.path("folder").asText());
                assertThat(group.has("folderUid") || group.has("folderUID")).as("not a field of file-provisioned rule groups").isFalse();
            }
        }
        assertThat(folders).containsExactly(provider.path("folder").asText());
    }

    @Test
    void notificationsLinkToTheDashboardAndPanelOfTheirRule() {
        Map<String, Set<String>> panels = new HashMap<>();
        for (Path f : dashboards()) {
            JsonNode dash = RepoFiles.json(f);
            Set<String> ids = new HashSet<>();
            List<JsonNode> todo = new ArrayList<>();
            dash.path("panels").forEach(todo::add);
            while (!todo.isEmpty()) {
                JsonNode panel = todo.remove(0);
                ids.add(panel.path("id").asText());
                panel.path("panels").forEach(todo::add);
            }
            panels.put(dash.path("uid").asText(), ids);
        }
        int rules = 0;
        for (Path f : DashboardQueries.files(root.resolve("grafana/provisioning/alerting"), ".yaml", ".yml")) {
            for (JsonNode group : RepoFiles.yaml(f).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    rules++;
                    String uid = rule.path("uid").asText();
                    JsonNode a = rule.path("annotations");
                    assertThat(a.path("__dashboardUid__").isTextual()).as(uid + " __dashboardUid__").isTrue();
                    assertThat(a.path("__panelId__").isTextual()).as(uid + " __panelId__ (a string)").isTrue();
                    String dash = a.path("__dashboardUid__").asText();
                    assertThat(panels).as(uid + " links to a provisioned dashboard").containsKey(dash);
                    assertThat(panels.get(dash)).as(uid + " links to a panel of " + dash).contains(a.path("__panelId__").asText());
                }
            }
        }
        assertThat(rules).isPositive();
    }

    @Test
    void grafanaIsOneCurrentPatchReleaseInComposeAndOnKubernetes() {
        Matcher compose = Pattern.compile("image: grafana/grafana:(\\S+)").matcher(RepoFiles.read(root.resolve("docker-compose.yml")));
        Matcher k8s = Pattern.compile("image: grafana/grafana:(\\S+)").matcher(RepoFiles.read(root.resolve("k8s/base/grafana/deployment.yaml")));
        assertThat(compose.find()).isTrue();
        assertThat(k8s.find()).isTrue();
        assertThat(compose.group(1)).as("a full x.y.z patch release").matches("\\d+\\.\\d+\\.\\d+").isEqualTo(k8s.group(1));
        assertThat(RepoFiles.read(root.resolve("docs/operations.md"))).as("docs/operations.md names it").contains("Grafana " + compose.group(1));
    }

    @Test
    void dashboardsHaveUniqueUidsAndTheThreeExpectedOnes() {
        Map<String, Path> uids = dashboardUids();
        assertThat(uids).containsKeys("filterwatch-run-overview", "filterwatch-layer-detail", "filterwatch-fleet");
    }

    @Test
    void everyPanelHasAKnownDatasourceAndARawInfluxQlQuery() {
        Set<String> known = datasourceUids();
        List<String> problems = new ArrayList<>();
        for (Path f : dashboards()) {
            JsonNode dash = RepoFiles.json(f);
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : DashboardQueries.panels(dash)) {
                String where = f.getFileName() + " panel '" + panel.path("title").asText() + "'";
                if ("row".equals(panel.path("type").asText())) {
                    continue;
                }
                if (!ids.add(panel.path("id").asInt(-1))) {
                    problems.add(where + ": duplicate or missing id");
                }
                if (panel.path("type").asText().isBlank()) {
                    problems.add(where + ": no type");
                }
                String uid = panel.path("datasource").path("uid").asText("");
                if (!known.contains(uid)) {
                    problems.add(where + ": datasource uid '" + uid + "' is not provisioned");
                }
                JsonNode targets = panel.path("targets");
                if (!targets.isArray() || targets.isEmpty()) {
                    problems.add(where + ": no query");
                }
                Set<String> refIds = new HashSet<>();
                for (JsonNode t : targets) {
                    if (!refIds.add(t.path("refId").asText(""))) {
                        problems.add(where + ": duplicate refId " + t.path("refId").asText());
                    }
                    String tuid = t.path("datasource").path("uid").asText(uid);
                    if (!known.contains(tuid)) {
                        problems.add(where + ": target datasource uid '" + tuid + "' is not provisioned");
                    }
                    if (!t.path("rawQuery").asBoolean(false) || t.path("query").asText("").isBlank()) {
                        problems.add(where + " " + t.path("refId").asText() + ": not a raw InfluxQL query");
                    }
                }
                JsonNode g = panel.path("gridPos");
                if (!g.has("w") || !g.has("h") || g.path("x").asInt() + g.path("w").asInt() > 24) {
                    problems.add(where + ": bad gridPos " + g);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void panelsDoNotOverlap() {
        for (Path f : dashboards()) {
            List<JsonNode> panels = DashboardQueries.panels(RepoFiles.json(f));
            for (int i = 0; i < panels.size(); i++) {
                for (int j = i + 1; j < panels.size(); j++) {
                    JsonNode a = panels.get(i).path("gridPos");
                    JsonNode b = panels.get(j).path("gridPos");
                    boolean overlap = a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                            && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                            && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                            && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
                    assertThat(overlap).as(f.getFileName() + ": '" + panels.get(i).path("title").asText() + "' overlaps '"
                            + panels.get(j).path("title").asText() + "'").isFalse();
                }
            }
        }
    }

    @Test
    void templateVariablesResolve() {
        Set<String> known = datasourceUids();
        Pattern ref = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");
        for (Path f : dashboards()) {
            JsonNode dash = RepoFiles.json(f);
            List<String> defined = new ArrayList<>();
            for (JsonNode v : dash.path("templating").path("list")) {
                String name = v.path("name").asText();
                assertThat(name).as(f + " variable name").isNotBlank();
                if ("query".equals(v.path("type").asText())) {
                    assertThat(known).as(f + " $" + name + " datasource").contains(v.path("datasource").path("uid").asText());
                    String q = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
                    assertThat(q).as(f + " $" + name + " query").isNotBlank();
                    // a variable may only use variables defined before it
                    Matcher m = ref.matcher(q);
                    while (m.find()) {
                        assertThat(defined).as(f + " $" + name + " uses $" + m.group(1)).contains(m.group(1));
                    }
                }
                defined.add(name);
            }
            // every $reference in queries, titles and links is a variable of this dashboard or a Grafana built-in
            String text = dash.path("panels").toString() + dash.path("annotations").toString() + dash.path("links").toString();
            Matcher m = ref.matcher(text);
            Set<String> unresolved = new LinkedHashSet<>();
            while (m.find()) {
                String name = m.group(1);
                boolean builtin = name.startsWith("__") || name.startsWith("tag_") || name.equals("timeFilter") || name.equals("col");
                if (!builtin && !defined.contains(name)) {
                    unresolved.add(name);
                }
            }
            assertThat(unresolved).as(f + ": references to undefined variables").isEmpty();
            // and the queries substitute cleanly (no $ left)
            for (DashboardQueries.Query q : DashboardQueries.fromDashboard(root, f)) {
                q.substituted(DashboardQueries.Variables.of("r", "l", java.time.Instant.EPOCH, java.time.Instant.now()));
            }
        }
        JsonNode runOverview = RepoFiles.json(root.resolve("grafana/dashboards/run-overview.json"));
        JsonNode layerDetail = RepoFiles.json(root.resolve("grafana/dashboards/layer-detail.json"));
        assertThat(varNames(runOverview)).contains("run");
        assertThat(varNames(layerDetail)).containsExactly("run", "layer");
    }

    @Test
    void everyDashboardDrawsAlertsAsAnnotationsFromTheAlertsMeasurement() {
        Set<String> known = datasourceUids();
        for (Path f : dashboards()) {
            boolean found = false;
            for (JsonNode a : RepoFiles.json(f).path("annotations").path("list")) {
                if (a.path("builtIn").asInt(0) == 1) {
                    continue;
                }
                assertThat(known).as(f + " annotation datasource").contains(a.path("datasource").path("uid").asText());
                assertThat(a.path("query").asText()).as(f + " annotation query").isNotBlank();
                assertThat(a.path("textColumn").asText()).as(f + " annotation textColumn").isNotBlank();
                found |= a.path("query").asText().contains("FROM \"alerts\"");
            }
            assertThat(found).as(f + " has an annotation from the alerts measurement").isTrue();
        }
    }

    @Test
    void linksPointAtExistingDashboards() {
        Set<String> uids = dashboardUids().keySet();
        Pattern d = Pattern.compile("/d/([A-Za-z0-9_-]+)");
        for (Path f : dashboards()) {
            Matcher m = d.matcher(RepoFiles.read(f));
            int n = 0;
            while (m.find()) {
                n++;
                assertThat(uids).as(f + " links to /d/" + m.group(1)).contains(m.group(1));
            }
            assertThat(n).as(f + " links to the other dashboards").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void queriesUseOnlyMeasurementsTagsAndFieldsOfTheSchema() {
        List<String> problems = new ArrayList<>();
        for (DashboardQueries.Query q : DashboardQueries.all(root)) {
            problems.addAll(q.schemaProblems());
        }
        assertThat(problems).isEmpty();
        Set<String> measurements = DashboardQueries.all(root).stream()
                .flatMap(q -> q.measurements().stream()).collect(Collectors.toSet());
        assertThat(measurements).as("every measurement is shown somewhere")
                .containsAll(InfluxSchema.MEASUREMENTS.stream().map(InfluxSchema.Measurement::name).toList());
    }

    /**
     * A filter's refresh point carries only InfluxSchema.FILTER_REFRESH_FIELDS; a panel or alert that read
     * another field of filter_stats would lose filters whose last full point is older than its range.
     */
    @Test
    void filterStatsQueriesReadOnlyTheFieldsARefreshWrites() {
        Set<String> refreshed = InfluxSchema.FILTER_REFRESH_FIELDS.stream().map(InfluxSchema.Field::name)
                .collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        int queries = 0;
        for (DashboardQueries.Query q : DashboardQueries.all(root)) {
            if (!q.measurements().contains(InfluxSchema.FILTER_STATS.name())) {
                continue;
            }
            queries++;
            for (String id : q.identifiers()) {
                if (InfluxSchema.FILTER_STATS.field(id).isPresent() && !refreshed.contains(id) && !q.aliases().contains(id)) {
                    problems.add(q.name() + " reads " + id);
                }
            }
        }
        assertThat(queries).as("queries on filter_stats").isGreaterThanOrEqualTo(3);
        assertThat(problems).isEmpty();
    }

    @Test
    void measurementsAndFieldsUsedAreDocumentedInMetricsMd() {
        Path doc = root.resolve("docs/metrics.md");
        String text = RepoFiles.read(doc);
        assertThat(text).as("docs/metrics.md documents the InfluxDB schema").contains("layer_stats", "filter_stats");
        Set<String> missing = new LinkedHashSet<>();
        for (DashboardQueries.Query q : DashboardQueries.all(root)) {
            for (String id : q.identifiers()) {
                // numbered fields may be documented as a range (sel_bin_0..sel_bin_9)
                String first = id.replaceAll("_\\d+$", "_0");
                if (!q.aliases().contains(id) && !Pattern.compile("\\b" + Pattern.quote(id) + "\\b").matcher(text).find()
                        && !Pattern.compile("\\b" + Pattern.quote(first) + "\\b").matcher(text).find()) {
                    missing.add(id);
                }
            }
        }
        assertThat(missing).as("used by dashboards/alerts but not in docs/metrics.md").isEmpty();
    }

    @Test
    void everyNameOfTheSchemaIsDocumentedInMetricsMd() {
        String text = RepoFiles.read(root.resolve("docs/metrics.md"));
        String schema = text.substring(text.indexOf("## InfluxDB schema"));
        Set<String> missing = new LinkedHashSet<>();
        for (InfluxSchema.Measurement m : InfluxSchema.MEASUREMENTS) {
            List<String> names = new ArrayList<>(List.of(m.name()));
            m.tags().forEach(t -> names.add(t.name()));
            // numbered fields are documented as a range (sel_bin_0 .. sel_bin_9)
            m.fields().forEach(f -> names.add(f.name().replaceAll("_\\d+$", "_0")));
            names.stream().filter(n -> !schema.contains("`" + n + "`")).forEach(n -> missing.add(m.name() + "." + n));
        }
        assertThat(missing).as("in InfluxSchema but not in docs/metrics.md, \"InfluxDB schema\"").isEmpty();
    }

    @Test
    void alertRulesMirrorTheAggregatorRulesAndAreWellFormed() {
        Set<String> known = datasourceUids();
        Set<String> rules = new HashSet<>();
        Set<String> uids = new HashSet<>();
        for (Path f : DashboardQueries.files(root.resolve("grafana/provisioning/alerting"), ".yaml", ".yml")) {
            for (JsonNode group : RepoFiles.yaml(f).path("groups")) {
                assertThat(group.path("folder").asText()).isEqualTo("FilterWatch");
                assertThat(group.path("interval").asText()).matches("\\d+[smh]");
                for (JsonNode rule : group.path("rules")) {
                    String uid = rule.path("uid").asText();
                    assertThat(uid).hasSizeBetween(1, 40);
                    assertThat(uids.add(uid)).as("unique rule uid " + uid).isTrue();
                    assertThat(rule.path("title").asText()).isNotBlank();
                    Map<String, JsonNode> data = new HashMap<>();
                    for (JsonNode d : rule.path("data")) {
                        assertThat(data.put(d.path("refId").asText(), d)).as(uid + " unique refId").isNull();
                    }
                    assertThat(data).as(uid + " condition").containsKey(rule.path("condition").asText());
                    for (JsonNode d : data.values()) {
                        String ds = d.path("datasourceUid").asText();
                        JsonNode model = d.path("model");
                        assertThat(model.path("refId").asText()).isEqualTo(d.path("refId").asText());
                        if ("__expr__".equals(ds)) {
                            String type = model.path("type").asText();
                            assertThat(type).isIn("reduce", "math", "threshold", "resample", "classic_conditions");
                            Matcher m = Pattern.compile("\\$([A-Z])\\b|^([A-Z])$").matcher(model.path("expression").asText());
                            int refs = 0;
                            while (m.find()) {
                                refs++;
                                String r = m.group(1) != null ? m.group(1) : m.group(2);
                                assertThat(data).as(uid + " expression refers to " + r).containsKey(r);
                            }
                            assertThat(refs).as(uid + " " + d.path("refId").asText() + " refers to something").isPositive();
                        } else {
                            assertThat(known).as(uid + " datasource").contains(ds);
                            assertThat(model.path("rawQuery").asBoolean()).isTrue();
                            assertThat(model.path("query").asText()).contains("$timeFilter");
                            assertThat(d.path("relativeTimeRange").path("from").asInt()).isPositive();
                        }
                    }
                    assertThat(rule.path("noDataState").asText()).isIn("OK", "NoData", "Alerting", "KeepLast");
                    assertThat(rule.path("execErrState").asText()).isIn("OK", "Error", "Alerting", "KeepLast");
                    assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
                    // Grafana expands env variables in labels: no '$' there
                    assertThat(rule.path("labels").toString()).doesNotContain("$");
                    assertThat(rule.path("labels").path("severity").asText()).isIn("warning", "critical");
                    rules.add(rule.path("labels").path("filterwatch_rule").asText());
                }
            }
        }
        assertThat(rules).as("one Grafana rule per aggregator rule").isEqualTo(AGGREGATOR_RULES);
    }

    /**
     * Grafana evaluates no rule of its own: each of its rules reads the aggregator's episodes of one
     * aggregator rule from the alerts measurement, fires while the latest transition is FIRING, and
     * carries that rule's severity for routing. No threshold is duplicated here.
     */
    @Test
    void alertRulesReadTheAggregatorsEpisodes() {
        for (Path f : DashboardQueries.files(root.resolve("grafana/provisioning/alerting"), ".yaml", ".yml")) {
            for (JsonNode group : RepoFiles.yaml(f).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String name = rule.path("labels").path("filterwatch_rule").asText();
                    io.filterwatch.protocol.AlertRule r = io.filterwatch.protocol.AlertRule.byName(name).orElseThrow();
                    assertThat(rule.path("labels").path("severity").asText()).as(name + " severity")
                            .isEqualTo(r.severity().name().toLowerCase(java.util.Locale.ROOT));
                    List<String> queries = new ArrayList<>();
                    for (JsonNode d : rule.path("data")) {
                        if (!"__expr__".equals(d.path("datasourceUid").asText())) {
                            queries.add(d.path("model").path("query").asText());
                        } else if (d.path("refId").asText().equals(rule.path("condition").asText())) {
                            assertThat(d.path("model").path("expression").asText()).as(name + " condition: an open episode")
                                    .isEqualTo("$B > 0");
                        }
                    }
                    assertThat(queries).as(name + " queries").hasSize(1);
                    assertThat(queries.get(0)).as(name + " reads its own episodes")
                            .contains("FROM \"alerts\"").contains("last(\"firing\")").contains("\"rule\" = '" + name + "'")
                            .contains("GROUP BY \"run\", \"layer\"");
                }
            }
        }
    }

    @Test
    void contactPointAndPolicyComeFromEnvAndMatch() {
        Set<String> receivers = new HashSet<>();
        List<JsonNode> policies = new ArrayList<>();
        for (Path f : DashboardQueries.files(root.resolve("grafana/provisioning/alerting"), ".yaml", ".yml")) {
            JsonNode doc = RepoFiles.yaml(f);
            for (JsonNode cp : doc.path("contactPoints")) {
                receivers.add(cp.path("name").asText());
                for (JsonNode r : cp.path("receivers")) {
                    assertThat(r.path("uid").asText()).isNotBlank();
                    assertThat(r.path("type").asText()).as("receiver type from env").matches("\\$\\{[A-Z_]+\\}");
                    assertThat(r.path("settings").path("url").asText()).as("receiver url from env").matches("\\$\\{[A-Z_]+\\}");
                }
            }
            doc.path("policies").forEach(policies::add);
        }
        assertThat(receivers).isNotEmpty();
        assertThat(policies).hasSize(1);
        List<JsonNode> todo = new ArrayList<>(policies);
        while (!todo.isEmpty()) {
            JsonNode p = todo.remove(0);
            if (p.has("receiver")) {
                assertThat(receivers).contains(p.path("receiver").asText());
            }
            p.path("routes").forEach(todo::add);
        }
        assertThat(policies.get(0).path("receiver").asText()).isNotBlank();
        assertThat(RepoFiles.grafanaEnv(root)).contains("FILTERWATCH_ALERT_RECEIVER_TYPE", "FILTERWATCH_ALERT_RECEIVER_URL");
        assertThat(CONTACT_POINT_TYPES_WITH_URL).contains("webhook", "slack");
    }

    @Test
    void kustomizationGeneratesAConfigMapEntryForEveryGrafanaFile() {
        JsonNode k = RepoFiles.yaml(root.resolve("grafana/kustomization.yaml"));
        Set<String> listed = new HashSet<>();
        for (JsonNode g : k.path("configMapGenerator")) {
            for (JsonNode file : g.path("files")) {
                String s = file.asText();
                listed.add(s.contains("=") ? s.substring(s.indexOf('=') + 1) : s);
            }
        }
        Set<String> present = new HashSet<>();
        for (Path f : DashboardQueries.files(root.resolve("grafana"), ".yaml", ".yml", ".json")) {
            String rel = root.resolve("grafana").relativize(f).toString().replace('\\', '/');
            if (!rel.equals("kustomization.yaml")) {
                present.add(rel);
            }
        }
        assertThat(listed).isEqualTo(present);
    }

    // ---- helpers ----

    List<Path> dashboards() {
        List<Path> d = DashboardQueries.files(root.resolve("grafana/dashboards"), ".json");
        assertThat(d).isNotEmpty();
        return d;
    }

    Map<String, Path> dashboardUids() {
        Map<String, Path> uids = new HashMap<>();
        for (Path f : dashboards()) {
            JsonNode dash = RepoFiles.json(f);
            String uid = dash.path("uid").asText();
            assertThat(uid).as(f + " uid").isNotBlank().hasSizeLessThanOrEqualTo(40);
            assertThat(dash.path("title").asText()).as(f + " title").isNotBlank();
            assertThat(uids.put(uid, f)).as("dashboard uid " + uid + " used twice").isNull();
        }
        return uids;
    }

    List<JsonNode> datasources() {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : DashboardQueries.files(root.resolve("grafana/provisioning/datasources"), ".yaml", ".yml")) {
            RepoFiles.yaml(f).path("datasources").forEach(out::add);
        }
        return out;
    }

    Set<String> datasourceUids() {
        return datasources().stream().map(d -> d.path("uid").asText()).collect(Collectors.toSet());
    }

    static List<String> varNames(JsonNode dash) {
        List<String> out = new ArrayList<>();
        dash.path("templating").path("list").forEach(v -> out.add(v.path("name").asText()));
        return out;
    }
}
