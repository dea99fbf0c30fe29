package io.flowexporter.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import io.flowexporter.app.ExporterCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Static checks of the deployment kit: Dockerfile, docker-compose.yml, Prometheus configuration,
 * rules and their unit tests, Grafana provisioning and dashboard. No Docker engine is needed; the
 * external tools are Debian's {@code promtool} (package prometheus) and {@code docker-compose}
 * (package docker-compose). A missing tool fails the test, it never skips it.
 *
 * <p>Run: {@code mvn -B -pl app -am -Dtest=DeploymentKitTest
 * -Dsurefire.failIfNoSpecifiedTests=false test}
 */
class DeploymentKitTest {

  /** The value each Grafana variable takes when a dashboard query is unit-tested by promtool. */
  static final Map<String, String> DASHBOARD_TEST_VARIABLES =
      Map.of(
          "$hostname", ".*",
          "$peer_as", ".*",
          "$__rate_interval", "5m",
          "$__range", "1h");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final long TOOL_TIMEOUT_SECONDS = 180;

  private static Path root;

  @BeforeAll
  static void findRepositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null
        && !(Files.isRegularFile(dir.resolve("docker-compose.yml"))
            && Files.isRegularFile(dir.resolve("pom.xml")))) {
      dir = dir.getParent();
    }
    assertThat(dir)
        .as("repository root (with docker-compose.yml) above the working directory")
        .isNotNull();
    root = dir;
  }

  // ---------------------------------------------------------------------------------------------
  // Prometheus

  @Test
  void prometheusConfigIsValid() {
    run(promtool(), "check", "config", "deploy/prometheus/prometheus.yml");
  }

  @Test
  void prometheusRulesAreValid() {
    List<String> files = relative(list("deploy/prometheus/rules", ".yml"));
    assertThat(files).as("rule files in deploy/prometheus/rules").isNotEmpty();
    List<String> cmd = new ArrayList<>(List.of(promtool(), "check", "rules"));
    cmd.addAll(files);
    run(cmd.toArray(String[]::new));
  }

  @Test
  void prometheusRuleUnitTestsPass() {
    List<String> files = relative(list("deploy/prometheus/tests", ".yml"));
    assertThat(files).as("promtool test files in deploy/prometheus/tests").isNotEmpty();
    List<String> cmd = new ArrayList<>(List.of(promtool(), "test", "rules"));
    cmd.addAll(files);
    run(cmd.toArray(String[]::new));
  }

  @Test
  void everyRuleFileIsLoadedByPrometheusAndUnitTested() throws IOException {
    JsonNode config = yaml("deploy/prometheus/prometheus.yml");
    List<String> globs = texts(config.path("rule_files"));
    assertThat(globs).as("rule_files of prometheus.yml").isNotEmpty();
    Set<String> tested = new LinkedHashSet<>();
    for (Path test : list("deploy/prometheus/tests", ".yml")) {
      for (String rf : texts(yaml(test).path("rule_files"))) {
        tested.add(test.getParent().resolve(rf).normalize().toString());
      }
    }
    for (Path rules : list("deploy/prometheus/rules", ".yml")) {
      String rel = root.resolve("deploy/prometheus").relativize(rules).toString();
      assertThat(
              globs.stream()
                  .anyMatch(
                      g -> rules.getFileSystem().getPathMatcher("glob:" + g).matches(Path.of(rel))))
          .as("%s is matched by rule_files %s of prometheus.yml", rel, globs)
          .isTrue();
      assertThat(tested)
          .as("rule files loaded by the promtool tests")
          .contains(rules.normalize().toString());
    }
    // Every alert has at least one alert_rule_test.
    Set<String> alerts = new LinkedHashSet<>();
    for (Path rules : list("deploy/prometheus/rules", ".yml")) {
      for (JsonNode group : yaml(rules).path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          if (rule.hasNonNull("alert")) {
            alerts.add(rule.get("alert").asText());
          }
        }
      }
    }
    Set<String> alertTests = new LinkedHashSet<>();
    for (Path test : list("deploy/prometheus/tests", ".yml")) {
      for (JsonNode t : yaml(test).path("tests")) {
        for (JsonNode a : t.path("alert_rule_test")) {
          if (!a.path("exp_alerts").isEmpty()) {
            alertTests.add(a.path("alertname").asText());
          }
        }
      }
    }
    assertThat(alerts).as("alerts").isNotEmpty();
    assertThat(alertTests)
        .as("alerts with a promtool test that expects them to fire")
        .containsAll(alerts);
  }

  // ---------------------------------------------------------------------------------------------
  // Grafana

  @Test
  void dashboardIsValidAndEveryPanelUsesTheProvisionedDataSource() throws IOException {
    String uid = provisionedDataSourceUid();
    for (Path file : list("deploy/grafana/dashboards", ".json")) {
      JsonNode dash = JSON.readTree(file.toFile());
      String name = root.relativize(file).toString();
      assertThat(dash.path("uid").asText()).as("%s: uid", name).isNotBlank();
      assertThat(dash.path("title").asText()).as("%s: title", name).isNotBlank();
      assertThat(Files.readString(file))
          .as("%s: no data source placeholders from an export", name)
          .doesNotContain("${DS_");

      Set<Integer> ids = new LinkedHashSet<>();
      List<JsonNode> panels = panels(dash);
      assertThat(panels).as("%s: panels", name).isNotEmpty();
      for (JsonNode panel : panels) {
        String title = name + " panel '" + panel.path("title").asText() + "'";
        assertThat(ids.add(panel.path("id").asInt(-1))).as("%s: unique id", title).isTrue();
        if ("row".equals(panel.path("type").asText())) {
          continue;
        }
        assertDataSource(panel.path("datasource"), uid, title);
        JsonNode targets = panel.path("targets");
        assertThat(targets.isArray() && targets.size() > 0).as("%s: has queries", title).isTrue();
        for (JsonNode target : targets) {
          assertDataSource(
              target.path("datasource"), uid, title + " query " + target.path("refId").asText());
          assertThat(target.path("expr").asText()).as("%s: expr", title).isNotBlank();
        }
      }
      for (JsonNode variable : dash.path("templating").path("list")) {
        if ("query".equals(variable.path("type").asText())) {
          assertDataSource(
              variable.path("datasource"),
              uid,
              name + " variable " + variable.path("name").asText());
        }
      }
      // Variables the unit tests substitute are the only ones the queries use.
      Set<String> declared = new LinkedHashSet<>();
      dash.path("templating")
          .path("list")
          .forEach(v -> declared.add("$" + v.path("name").asText()));
      for (String expr : dashboardExpressions(dash).keySet()) {
        Matcher m = Pattern.compile("\\$\\{?(\\w+)").matcher(expr);
        while (m.find()) {
          String var = "$" + m.group(1);
          assertThat(DASHBOARD_TEST_VARIABLES).as("variable %s in %s", var, expr).containsKey(var);
          if (!var.startsWith("$__")) {
            assertThat(declared).as("dashboard variables").contains(var);
          }
        }
      }
    }
  }

  @Test
  void everyDashboardQueryHasAPromtoolTestWithExpectedSamples() throws IOException {
    Map<String, Integer> tested = new HashMap<>();
    for (Path test : list("deploy/prometheus/tests", ".yml")) {
      for (JsonNode t : yaml(test).path("tests")) {
        for (JsonNode e : t.path("promql_expr_test")) {
          tested.merge(normalize(e.path("expr").asText()), e.path("exp_samples").size(), Math::max);
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (Path file : list("deploy/grafana/dashboards", ".json")) {
      for (Map.Entry<String, String> q :
          dashboardExpressions(JSON.readTree(file.toFile())).entrySet()) {
        String expr = normalize(substitute(q.getKey()));
        if (tested.getOrDefault(expr, 0) == 0) {
          missing.add(q.getValue() + ":\n    " + expr);
        }
      }
    }
    assertThat(missing)
        .as(
            "dashboard queries without a promql_expr_test (with exp_samples) in deploy/prometheus/tests;"
                + " variables are replaced by %s",
            DASHBOARD_TEST_VARIABLES)
        .isEmpty();
  }

  @Test
  void grafanaProvisioningMatchesTheComposeMounts() throws IOException {
    JsonNode grafana = compose().path("services").path("grafana");
    Map<String, String> mounts = bindMounts(grafana);
    String provider = mountPointOf(mounts, "deploy/grafana/provisioning");
    String dashboards = mountPointOf(mounts, "deploy/grafana/dashboards");
    assertThat(provider).isEqualTo("/etc/grafana/provisioning");
    JsonNode providers =
        yaml("deploy/grafana/provisioning/dashboards/flow-exporter.yml").path("providers");
    assertThat(texts(providers, "options", "path"))
        .as("dashboard provider paths")
        .containsExactly(dashboards);
    String home =
        grafana.path("environment").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
    assertThat(home).startsWith(dashboards + "/");
    assertThat(
            root.resolve("deploy/grafana/dashboards")
                .resolve(home.substring(dashboards.length() + 1)))
        .as("home dashboard")
        .isRegularFile();
    JsonNode env = grafana.path("environment");
    assertThat(env.path("GF_AUTH_ANONYMOUS_ENABLED").asText()).isEqualTo("true");
    assertThat(env.path("GF_AUTH_ANONYMOUS_ORG_ROLE").asText()).isEqualTo("Viewer");
    assertThat(texts(grafana.path("ports")))
        .as("Grafana published on loopback only")
        .containsExactly("127.0.0.1:3000:3000");
  }

  // ---------------------------------------------------------------------------------------------
  // docker-compose.yml

  @Test
  void dockerComposeConfigAcceptsTheFileWithEveryProfile() {
    String tool = tool("docker-compose", "apt-get install docker-compose");
    run(
        tool,
        "-f",
        "docker-compose.yml",
        "--profile",
        "demo",
        "--profile",
        "geoipupdate",
        "--profile",
        "logs",
        "config",
        "-q");
  }

  @Test
  void composeRefersOnlyToFilesThatExist() throws IOException {
    JsonNode compose = compose();
    Set<String> namedVolumes = new LinkedHashSet<>();
    fields(compose.path("volumes")).forEach(e -> namedVolumes.add(e.getKey()));
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> svc : fields(compose.path("services"))) {
      String name = svc.getKey();
      JsonNode s = svc.getValue();
      JsonNode build = s.path("build");
      if (!build.isMissingNode()) {
        Path context =
            root.resolve(build.isTextual() ? build.asText() : build.path("context").asText("."));
        String dockerfile = build.path("dockerfile").asText("Dockerfile");
        if (!Files.isDirectory(context) || !Files.isRegularFile(context.resolve(dockerfile))) {
          problems.add(name + ": build context/Dockerfile " + context + "/" + dockerfile);
        }
      } else if (!s.hasNonNull("image")) {
        problems.add(name + ": neither image nor build");
      }
      for (JsonNode v : s.path("volumes")) {
        String source = v.isTextual() ? v.asText().split(":", 2)[0] : v.path("source").asText();
        if (source.startsWith(".") || source.startsWith("/")) {
          if (!Files.exists(root.resolve(source).normalize())) {
            problems.add(name + ": bind mount source " + source + " does not exist");
          }
        } else if (!namedVolumes.contains(source)) {
          problems.add(name + ": volume " + source + " is not declared under volumes:");
        }
      }
      for (JsonNode f : s.path("env_file")) {
        if (!Files.isRegularFile(root.resolve(f.asText()))) {
          problems.add(name + ": env_file " + f.asText());
        }
      }
      if (s.hasNonNull("container_name")) {
        problems.add(name + ": container_name prevents --scale");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void composeImagesArePinnedAndProfilesAsDocumented() throws IOException {
    JsonNode services = compose().path("services");
    for (Map.Entry<String, JsonNode> svc : fields(services)) {
      JsonNode s = svc.getValue();
      if (s.has("build")) {
        continue;
      }
      String image = s.path("image").asText();
      String tag =
          image.contains("@")
              ? image.substring(image.indexOf('@'))
              : image.substring(image.lastIndexOf(':') + 1);
      assertThat(image).as("%s image has a tag", svc.getKey()).contains(":");
      assertThat(tag)
          .as("%s image %s is pinned to a version", svc.getKey(), image)
          .containsPattern("\\d")
          .doesNotContain("latest");
    }
    assertThat(fields(services).stream().map(Map.Entry::getKey))
        .contains(
            "kafka",
            "nfacctd",
            "flow-exporter",
            "flow-generator",
            "geoipupdate",
            "prometheus",
            "grafana");
    assertThat(texts(services.path("flow-generator").path("profiles"))).containsExactly("demo");
    assertThat(texts(services.path("geoipupdate").path("profiles"))).containsExactly("geoipupdate");
    for (String always : List.of("kafka", "nfacctd", "flow-exporter", "prometheus", "grafana")) {
      assertThat(services.path(always).has("profiles"))
          .as("%s starts without a profile", always)
          .isFalse();
    }
    JsonNode geo = services.path("geoipupdate").path("environment");
    assertThat(geo.path("GEOIPUPDATE_EDITION_IDS").asText())
        .isEqualTo("GeoLite2-ASN GeoLite2-Country");
    assertThat(geo.has("GEOIPUPDATE_ACCOUNT_ID") && geo.has("GEOIPUPDATE_LICENSE_KEY")).isTrue();
    // geoipupdate writes where the exporter reads.
    String dbDir = mountPointOf(bindMounts(services.path("geoipupdate")), "deploy/asn-db");
    assertThat(geo.path("GEOIPUPDATE_DB_DIR").asText()).isEqualTo(dbDir);
    assertThat(texts(services.path("nfacctd").path("ports"))).contains("2100:2100/udp");
  }

  @Test
  void exporterGeneratorTopicAndPmacctAgree() throws IOException {
    JsonNode services = compose().path("services");
    JsonNode env = services.path("flow-exporter").path("environment");
    String topic = env.path("FLOW_EXPORTER_TOPIC").asText();
    assertThat(topic).isEqualTo("pmacct.flows");
    assertThat(env.path("FLOW_EXPORTER_BROKERS").asText()).isEqualTo("kafka:9092");
    assertThat(env.path("FLOW_EXPORTER_ASN").asText()).isNotBlank();
    String dbDir = mountPointOf(bindMounts(services.path("flow-exporter")), "deploy/asn-db");
    assertThat(env.path("FLOW_EXPORTER_ASN_DB").asText()).startsWith(dbDir + "/");
    assertThat(texts(services.path("flow-exporter").path("volumes")))
        .as("the AS database is mounted read-only")
        .anyMatch(v -> v.startsWith("./deploy/asn-db:") && v.endsWith(":ro"));

    List<String> gen = texts(services.path("flow-generator").path("command"));
    assertThat(gen).startsWith("generate");
    assertThat(gen.get(gen.indexOf("--topic") + 1)).isEqualTo(topic);
    assertThat(gen.get(gen.indexOf("--brokers") + 1)).isEqualTo("kafka:9092");
    List<String> init = texts(services.path("kafka-init").path("command"));
    assertThat(init.get(init.indexOf("--topic") + 1)).isEqualTo(topic);

    // pmacct: the files the pmacct branch writes are where nfacctd reads them.
    String pmacctDir = mountPointOf(bindMounts(services.path("nfacctd")), "deploy/pmacct");
    assertThat(pmacctDir).isEqualTo("/etc/pmacct");
    for (String f : List.of("nfacctd.conf", "pretag.map", "networks.lst")) {
      assertThat(root.resolve("deploy/pmacct").resolve(f)).isRegularFile();
    }
    Map<String, String> conf = pmacctConfig(root.resolve("deploy/pmacct/nfacctd.conf"));
    for (Map.Entry<String, String> e : conf.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (key.startsWith("kafka_topic")) {
        assertThat(value).as("nfacctd.conf %s", key).isEqualTo(topic);
      } else if (key.startsWith("kafka_broker_host")) {
        assertThat(value).as("nfacctd.conf %s", key).isEqualTo("kafka");
      } else if (key.startsWith("nfacctd_port")) {
        assertThat(texts(services.path("nfacctd").path("ports")))
            .contains(value + ":" + value + "/udp");
      }
      if (value.startsWith(pmacctDir + "/")) {
        assertThat(root.resolve("deploy/pmacct").resolve(value.substring(pmacctDir.length() + 1)))
            .as("nfacctd.conf %s", key)
            .exists();
      }
    }
  }

  /**
   * Profile "logs": Filebeat reads the file the exporter writes (the same volume, the documented
   * path), takes each line as the document, derives the Elasticsearch document id from {@code
   * event.id}, and ships to the profile's Elasticsearch.
   */
  @Test
  void filebeatShipsTheFlowLogToElasticsearchWithEventIdAsDocumentId() throws IOException {
    JsonNode services = compose().path("services");
    for (String svc : List.of("filebeat", "elasticsearch", "kibana")) {
      assertThat(texts(services.path(svc).path("profiles")))
          .as("%s profiles", svc)
          .containsExactly("logs");
    }
    String logDir = volumeMountPoint(services.path("flow-exporter"), "flow-log");
    assertThat(volumeMountPoint(services.path("filebeat"), "flow-log")).isEqualTo(logDir);
    assertThat(texts(services.path("filebeat").path("volumes")))
        .contains("flow-log:" + logDir + ":ro");
    // The exporter writes into the volume Filebeat reads: mounted read-write in the exporter.
    assertThat(texts(services.path("flow-exporter").path("volumes")))
        .contains("flow-log:" + logDir);
    // The flow log is turned on from the shell or .env: the exporter's FLOW_EXPORTER_FLOW_LOG is
    // that variable, off (empty) unless it is set; a default, if any, is where Filebeat reads.
    JsonNode flowLog =
        services.path("flow-exporter").path("environment").path("FLOW_EXPORTER_FLOW_LOG");
    assertThat(flowLog.isTextual()).as("flow-exporter sets FLOW_EXPORTER_FLOW_LOG").isTrue();
    Matcher fromShell =
        Pattern.compile("\\$\\{FLOW_EXPORTER_FLOW_LOG:?-([^}]*)}").matcher(flowLog.asText());
    assertThat(fromShell.matches())
        .as("FLOW_EXPORTER_FLOW_LOG %s is ${FLOW_EXPORTER_FLOW_LOG:-...}", flowLog.asText())
        .isTrue();
    assertThat(fromShell.group(1)).isIn("", logDir + "/flows.json");
    // ... and the image has the directory, writable by the exporter's user (a RUN, not a comment).
    Stage image =
        dockerfileStages(root.resolve("Dockerfile")).stream()
            .filter(stage -> stage.name().equals("exporter"))
            .findFirst()
            .orElseThrow();
    assertThat(String.join("\n", instructions(image, "RUN")))
        .contains("mkdir -p " + logDir)
        .containsPattern("chown\\s+\\S+\\s+" + Pattern.quote(logDir) + "(\\s|$)");
    String config =
        mountPointOf(bindMounts(services.path("filebeat")), "deploy/filebeat/filebeat.yml");
    assertThat(config).isEqualTo("/usr/share/filebeat/filebeat.yml");

    JsonNode fb = yaml("deploy/filebeat/filebeat.yml");
    JsonNode input = fb.path("filebeat.inputs").get(0);
    assertThat(input.path("type").asText()).isEqualTo("filestream");
    assertThat(input.path("id").asText()).isNotBlank();
    assertThat(texts(input.path("paths"))).containsExactly(logDir + "/flows.json");
    JsonNode ndjson = input.path("parsers").get(0).path("ndjson");
    assertThat(ndjson.path("target").asText("missing")).as("documents at the root").isEmpty();
    assertThat(ndjson.path("overwrite_keys").asBoolean()).isTrue();
    JsonNode fingerprint = null;
    for (JsonNode processor : fb.path("processors")) {
      if (processor.has("fingerprint")) {
        fingerprint = processor.path("fingerprint");
      }
    }
    assertThat(fingerprint).as("a fingerprint processor").isNotNull();
    assertThat(texts(fingerprint.path("fields"))).containsExactly("event.id");
    assertThat(fingerprint.path("target_field").asText()).isEqualTo("@metadata._id");
    JsonNode es = fb.path("output.elasticsearch");
    assertThat(texts(es.path("hosts")))
        .containsExactly("${ELASTICSEARCH_HOSTS:http://elasticsearch:9200}");
    assertThat(services.path("filebeat").path("environment").path("ELASTICSEARCH_HOSTS").asText())
        .isEqualTo("http://elasticsearch:9200");
    // Filebeat 8 creates a data stream named after the template: the pattern must match that name
    // (else Elasticsearch answers 400 and nothing is shipped) and the daily index names.
    String pattern = fb.path("setup.template.pattern").asText();
    java.util.regex.Pattern glob =
        java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
    assertThat(fb.path("setup.template.name").asText()).matches(glob);
    assertThat(es.path("index").asText().replace("%{+yyyy.MM.dd}", "2026.11.30")).matches(glob);
    assertThat(fb.path("setup.ilm.enabled").asBoolean(true)).isFalse();
  }

  /** Where a service mounts a named volume. */
  private static String volumeMountPoint(JsonNode service, String volume) {
    for (String v : texts(service.path("volumes"))) {
      String[] parts = v.split(":");
      if (parts[0].equals(volume)) {
        return parts[1];
      }
    }
    throw new AssertionError("volume " + volume + " not mounted");
  }

  @Test
  void prometheusScrapesTheExporterAndItsRulesAreMounted() throws IOException {
    JsonNode prometheus = compose().path("services").path("prometheus");
    Map<String, String> mounts = bindMounts(prometheus);
    assertThat(mountPointOf(mounts, "deploy/prometheus/prometheus.yml"))
        .isEqualTo("/etc/prometheus/prometheus.yml");
    assertThat(mountPointOf(mounts, "deploy/prometheus/rules")).isEqualTo("/etc/prometheus/rules");
    JsonNode config = yaml("deploy/prometheus/prometheus.yml");
    JsonNode job = null;
    for (JsonNode j : config.path("scrape_configs")) {
      if ("flow-exporter".equals(j.path("job_name").asText())) {
        job = j;
      }
    }
    assertThat(job)
        .as("scrape job flow-exporter (the alerts select job=\"flow-exporter\")")
        .isNotNull();
    assertThat(job.toString()).contains("flow-exporter").contains("9590");
  }

  // ---------------------------------------------------------------------------------------------
  // Dockerfile

  @Test
  void dockerfileFollowsTheRules() throws IOException {
    List<Stage> stages = dockerfileStages(root.resolve("Dockerfile"));
    assertThat(stages).extracting(Stage::name).containsExactly("build", "demo", "exporter");
    assertThat(stages.get(0).image()).startsWith("maven:3.9").contains("eclipse-temurin-17");
    for (Stage stage : stages) {
      String image = stage.image();
      assertThat(image.substring(image.indexOf(':') + 1))
          .as("pinned %s", image)
          .containsPattern("\\d+\\.\\d+");
      if (stage != stages.get(0)) {
        assertThat(image)
            .as("stage %s", stage.name())
            .startsWith("eclipse-temurin:17")
            .contains("jre");
        assertThat(stage.user())
            .as("USER of stage %s", stage.name())
            .isNotNull()
            .isNotIn("root", "0", "0:0");
      }
    }
    // The build runs Maven's package and takes out the very jars app/pom.xml and demo/pom.xml make.
    Map<String, String> builtJars =
        copies(instructions(stages.get(0), "RUN"), Pattern.compile("\\bcp (\\S+) (\\S+)"));
    assertThat(String.join(" ", instructions(stages.get(0), "RUN")).split("\\s+"))
        .contains("mvn", "package");
    String exporterJar = shadedJar("app");
    String demoJar = shadedJar("demo");
    assertThat(builtJars).containsOnlyKeys(exporterJar, demoJar);

    // Each image runs the jar it copies from the build: the demo's jar only in the demo's.
    Map<String, String> demoCopies = copiesFromBuild(stages.get(1));
    assertThat(jsonArray(instructions(stages.get(1), "ENTRYPOINT")))
        .containsExactly("java", "-jar", demoCopies.get(builtJars.get(demoJar)));
    Stage exporter = stages.get(2);
    Map<String, String> exporterCopies = copiesFromBuild(exporter);
    assertThat(exporterCopies).doesNotContainKey(builtJars.get(demoJar));
    assertThat(jsonArray(instructions(exporter, "ENTRYPOINT")))
        .containsExactly("java", "-jar", exporterCopies.get(builtJars.get(exporterJar)));

    // The environment: only variables that stand for a flag of the exporter, the JVM options the
    // README recommends, the state volume where the state directory is, the port it listens on.
    Map<String, String> env = keyValues(instructions(exporter, "ENV"));
    Set<String> flagVariables = new LinkedHashSet<>();
    for (CommandLine.Model.OptionSpec o :
        new CommandLine(new ExporterCommand()).getCommandSpec().options()) {
      flagVariables.add(
          "FLOW_EXPORTER_"
              + o.longestName().replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT));
    }
    env.keySet().stream()
        .filter(k -> k.startsWith("FLOW_EXPORTER_"))
        .forEach(k -> assertThat(flagVariables).as("%s names a flag", k).contains(k));
    Matcher readme =
        Pattern.compile("export JDK_JAVA_OPTIONS=\"([^\"]*)\"")
            .matcher(Files.readString(root.resolve("README.md")));
    assertThat(readme.find()).as("README recommends JDK_JAVA_OPTIONS").isTrue();
    assertThat(List.of(env.getOrDefault("JDK_JAVA_OPTIONS", "").split("\\s+")))
        .as("the image's JVM options include the README's")
        .containsAll(List.of(readme.group(1).split("\\s+")));
    assertThat(jsonArray(instructions(exporter, "VOLUME")))
        .containsExactly(env.get("FLOW_EXPORTER_STATE_DIR"));
    String port =
        env.get("FLOW_EXPORTER_ADDR").substring(env.get("FLOW_EXPORTER_ADDR").lastIndexOf(':') + 1);
    assertThat(instructions(exporter, "EXPOSE")).containsExactly(port);

    // The health check runs a script the image copies in, executable in the repository.
    String healthcheck = instructions(exporter, "HEALTHCHECK").get(0);
    List<String> cmd = jsonArray(List.of(healthcheck.substring(healthcheck.indexOf("CMD ") + 4)));
    assertThat(cmd).hasSize(1);
    String script =
        exporterCopies.entrySet().stream()
            .filter(e -> e.getValue().equals(cmd.get(0)))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("HEALTHCHECK runs " + cmd + ", which no COPY brings"));
    assertThat(root.resolve(script.replaceFirst("^/src/", ""))).isExecutable();
    // What the build stage copies out of the context is let in by .dockerignore.
    List<String> ignore = Files.readAllLines(root.resolve(".dockerignore"));
    assertThat(ignore)
        .contains(
            "!pom.xml",
            "!*/pom.xml",
            "!*/src/",
            "!" + script.replaceFirst("^/src/", ""),
            "**/target/");

    Map<String, String> labels = keyValues(instructions(exporter, "LABEL"));
    assertThat(labels)
        .containsKeys("org.opencontainers.image.title", "org.opencontainers.image.version");
    Matcher licence =
        Pattern.compile("<license>\\s*<name>([^<]+)</name>")
            .matcher(Files.readString(root.resolve("pom.xml")));
    assertThat(licence.find()).isTrue();
    assertThat(labels.get("org.opencontainers.image.licenses")).isEqualTo(licence.group(1));
  }

  /** The shaded jar a module's pom writes (its outputFile), relative to the repository root. */
  private static String shadedJar(String module) throws IOException {
    Matcher m =
        Pattern.compile("<outputFile>\\$\\{project\\.build\\.directory}/([^<]+)</outputFile>")
            .matcher(Files.readString(root.resolve(module + "/pom.xml")));
    assertThat(m.find()).as("%s/pom.xml names its runnable jar", module).isTrue();
    return module + "/target/" + m.group(1);
  }

  /** The arguments of each instruction of {@code stage} named {@code instruction}. */
  private static List<String> instructions(Stage stage, String instruction) {
    List<String> out = new ArrayList<>();
    for (String line : stage.text().split("\n")) {
      String[] kv = line.split("\\s+", 2);
      if (kv[0].equalsIgnoreCase(instruction)) {
        out.add(kv.length > 1 ? kv[1] : "");
      }
    }
    return out;
  }

  /** Source → destination of every match of {@code pattern} (two groups) in the lines. */
  private static Map<String, String> copies(List<String> lines, Pattern pattern) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher m = pattern.matcher(line);
      while (m.find()) {
        out.put(m.group(1), m.group(2));
      }
    }
    return out;
  }

  private static Map<String, String> copiesFromBuild(Stage stage) {
    return copies(instructions(stage, "COPY"), Pattern.compile("--from=build (\\S+) (\\S+)"));
  }

  /** KEY=value and KEY="value" pairs, as ENV and LABEL take them. */
  private static Map<String, String> keyValues(List<String> lines) {
    Map<String, String> out = new LinkedHashMap<>();
    Pattern pair = Pattern.compile("([\\w.]+)=(?:\"([^\"]*)\"|(\\S+))");
    for (String line : lines) {
      Matcher m = pair.matcher(line);
      while (m.find()) {
        out.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
      }
    }
    return out;
  }

  /** The exec form of an instruction, a JSON array. */
  private static List<String> jsonArray(List<String> lines) throws IOException {
    assertThat(lines).as("one instruction").hasSize(1);
    List<String> out = new ArrayList<>();
    for (JsonNode n : JSON.readTree(lines.get(0))) {
      out.add(n.asText());
    }
    return out;
  }

  @Test
  void composeBuildsTheExporterAndTheGeneratorFromTheirOwnStages() throws IOException {
    JsonNode services = compose().path("services");
    List<Stage> stages = dockerfileStages(root.resolve("Dockerfile"));
    // No target: the last stage, the exporter's image.
    assertThat(services.path("flow-exporter").path("build").has("target")).isFalse();
    String target = services.path("flow-generator").path("build").path("target").asText();
    assertThat(stages.stream().filter(st -> st.name().equals(target)).map(Stage::text).findFirst())
        .as(
            "the generator's stage '%s' runs the demo's jar, which has the generate command",
            target)
        .hasValueSatisfying(text -> assertThat(text).contains("flow-exporter-demo.jar"));
    assertThat(services.path("flow-generator").path("image").asText())
        .as("the generator's image is not the exporter's")
        .isNotEqualTo(services.path("flow-exporter").path("image").asText());
  }

  @Test
  void healthcheckScriptSucceedsOnlyOnHttp200FromHealthz() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    int[] status = {200};
    List<String> paths = new ArrayList<>();
    server.createContext(
        "/",
        exchange -> {
          paths.add(exchange.getRequestURI().getPath());
          byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status[0], body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      int port = server.getAddress().getPort();
      assertThat(healthcheck(":" + port)).as("200 on :port").isZero();
      assertThat(healthcheck("0.0.0.0:" + port)).as("200 on 0.0.0.0:port").isZero();
      assertThat(healthcheck("127.0.0.1:" + port)).as("200 on 127.0.0.1:port").isZero();
      assertThat(paths).containsOnly("/healthz");
      status[0] = 503;
      assertThat(healthcheck(":" + port)).as("503").isNotZero();
    } finally {
      server.stop(0);
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertThat(healthcheck(":" + closed)).as("nothing listening").isNotZero();
  }

  @Test
  void healthcheckScriptOverHttpsOnlyChecksThatThePortAcceptsConnections() throws Exception {
    try (ServerSocket tls = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // Accepts and says nothing, as a TLS server waits for the client's hello.
      assertThat(healthcheck(":" + tls.getLocalPort(), "/etc/flow-exporter/tls.crt"))
          .as("HTTPS: a port that accepts")
          .isZero();
      assertThat(healthcheck(":" + tls.getLocalPort(), null))
          .as("plain HTTP expected: no answer is unhealthy")
          .isNotZero();
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertThat(healthcheck(":" + closed, "/etc/flow-exporter/tls.crt"))
        .as("HTTPS: nothing listening")
        .isNotZero();
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private static int healthcheck(String addr) throws IOException, InterruptedException {
    return healthcheck(addr, null);
  }

  private static int healthcheck(String addr, String webTlsCert)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder("bash", root.resolve("deploy/docker/healthcheck.sh").toString());
    pb.environment().put("FLOW_EXPORTER_ADDR", addr);
    pb.environment().remove("FLOW_EXPORTER_WEB_TLS_CERT");
    if (webTlsCert != null) {
      pb.environment().put("FLOW_EXPORTER_WEB_TLS_CERT", webTlsCert);
    }
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("healthcheck.sh finishes").isTrue();
    return p.exitValue();
  }

  private static String promtool() {
    return tool("promtool", "apt-get install prometheus");
  }

  /** The tool's path; fails (never skips) when it is not installed. */
  private static String tool(String name, String install) {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, name));
      }
    }
    candidates.add(Path.of("/usr/bin", name));
    for (Path p : candidates) {
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return fail(
        name
            + " is not installed: the deployment kit checks need it. Install it with `"
            + install
            + "`.");
  }

  private static String run(String... cmd) {
    try {
      Process p =
          new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(String.join(" ", cmd) + " did not finish in " + TOOL_TIMEOUT_SECONDS + " s");
      }
      String output = new String(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue())
          .as("`%s` exit code; output:%n%s", String.join(" ", cmd), output)
          .isZero();
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static List<Path> list(String dir, String suffix) {
    try (Stream<Path> s = Files.list(root.resolve(dir))) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> relative(List<Path> paths) {
    return paths.stream().map(p -> root.relativize(p).toString()).collect(Collectors.toList());
  }

  private static JsonNode yaml(String file) throws IOException {
    return yaml(root.resolve(file));
  }

  private static JsonNode yaml(Path file) throws IOException {
    return YAML.readTree(file.toFile());
  }

  private static JsonNode compose() throws IOException {
    return yaml("docker-compose.yml");
  }

  private static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
    return new ArrayList<>(node.properties());
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> texts(JsonNode array, String... path) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      JsonNode v = n;
      for (String p : path) {
        v = v.path(p);
      }
      out.add(v.asText());
    }
    return out;
  }

  /** Short-syntax bind mounts of a service: repository path (no leading ./) to container path. */
  private static Map<String, String> bindMounts(JsonNode service) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode v : service.path("volumes")) {
      String[] parts = v.asText().split(":");
      if (parts.length >= 2 && parts[0].startsWith("./")) {
        out.put(parts[0].substring(2).replaceAll("/$", ""), parts[1]);
      }
    }
    return out;
  }

  private static String mountPointOf(Map<String, String> mounts, String source) {
    assertThat(mounts).as("bind mounts").containsKey(source);
    return mounts.get(source);
  }

  private static String provisionedDataSourceUid() throws IOException {
    JsonNode sources =
        yaml("deploy/grafana/provisioning/datasources/prometheus.yml").path("datasources");
    assertThat(sources.size()).as("provisioned data sources").isEqualTo(1);
    JsonNode ds = sources.get(0);
    assertThat(ds.path("type").asText()).isEqualTo("prometheus");
    assertThat(ds.path("url").asText()).isEqualTo("http://prometheus:9090");
    String uid = ds.path("uid").asText();
    assertThat(uid).as("provisioned data source uid").isNotBlank();
    return uid;
  }

  private static void assertDataSource(JsonNode ds, String uid, String what) {
    assertThat(ds.isObject())
        .as("%s: datasource is an object {type, uid}, got %s", what, ds)
        .isTrue();
    assertThat(ds.path("uid").asText()).as("%s: datasource uid", what).isEqualTo(uid);
    assertThat(ds.path("type").asText()).as("%s: datasource type", what).isEqualTo("prometheus");
  }

  /** All panels, including those inside collapsed rows. */
  private static List<JsonNode> panels(JsonNode dash) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dash.path("panels")) {
      out.add(p);
      p.path("panels").forEach(out::add);
    }
    return out;
  }

  /** Every query of the dashboard, mapped to where it is (for messages). */
  private static Map<String, String> dashboardExpressions(JsonNode dash) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode p : panels(dash)) {
      for (JsonNode t : p.path("targets")) {
        if (t.hasNonNull("expr")) {
          out.put(
              t.get("expr").asText(),
              "panel '" + p.path("title").asText() + "' query " + t.path("refId").asText());
        }
      }
    }
    return out;
  }

  static String substitute(String expr) {
    String out = expr;
    List<String> keys = new ArrayList<>(DASHBOARD_TEST_VARIABLES.keySet());
    keys.sort((a, b) -> b.length() - a.length());
    for (String k : keys) {
      String v = DASHBOARD_TEST_VARIABLES.get(k);
      out = out.replace("${" + k.substring(1) + "}", v).replace(k, v);
    }
    return out;
  }

  static String normalize(String expr) {
    return expr.trim().replaceAll("\\s+", " ");
  }

  /** Instructions of a Dockerfile with continuation lines joined and comments dropped. */
  private static List<String> dockerfileInstructions(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && cur.length() == 0)) {
        continue;
      }
      if (line.endsWith("\\")) {
        cur.append(line, 0, line.length() - 1).append(' ');
      } else {
        cur.append(line);
        out.add(cur.toString().replaceAll("\\s+", " ").trim());
        cur.setLength(0);
      }
    }
    return out;
  }

  /**
   * One FROM ... AS name stage of a Dockerfile: its base image (ARGs resolved), last USER, text.
   */
  private record Stage(String name, String image, String user, String text) {}

  private static List<Stage> dockerfileStages(Path file) throws IOException {
    Map<String, String> args = new HashMap<>();
    List<Stage> stages = new ArrayList<>();
    List<String> current = null;
    String name = null;
    String image = null;
    String user = null;
    for (String line : dockerfileInstructions(file)) {
      String[] kv = line.split("\\s+", 2);
      String instr = kv[0].toUpperCase(Locale.ROOT);
      String rest = kv.length > 1 ? kv[1] : "";
      if (instr.equals("FROM")) {
        if (current != null) {
          stages.add(new Stage(name, image, user, String.join("\n", current)));
        }
        String[] from = rest.split("\\s+");
        Matcher m = Pattern.compile("\\$\\{?(\\w+)}?").matcher(from[0]);
        image = m.matches() ? args.getOrDefault(m.group(1), from[0]) : from[0];
        name = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : "";
        user = null;
        current = new ArrayList<>();
      } else if (instr.equals("ARG") && current == null && rest.contains("=")) {
        args.put(
            rest.substring(0, rest.indexOf('=')),
            rest.substring(rest.indexOf('=') + 1).replace("\"", ""));
      } else if (current != null) {
        if (instr.equals("USER")) {
          user = rest.trim();
        }
        current.add(line);
      }
    }
    if (current != null) {
      stages.add(new Stage(name, image, user, String.join("\n", current)));
    }
    return stages;
  }

  /** key: value lines of a pmacct configuration file ('!' starts a comment). */
  private static Map<String, String> pmacctConfig(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("!") || !line.contains(":")) {
        continue;
      }
      String key = line.substring(0, line.indexOf(':')).strip();
      String value = line.substring(line.indexOf(':') + 1).strip();
      out.put(key, value);
    }
    return out;
  }
}
