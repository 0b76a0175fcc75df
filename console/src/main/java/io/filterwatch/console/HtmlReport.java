package io.filterwatch.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.RawString;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.TemplateLocator;
import io.quarkus.qute.Variant;

/**
 * Renders a {@link ReportModel} into one self-contained HTML file: the Qute templates under
 * {@code templates/} (report.html and its includes under report/), with the stylesheet
 * ({@code report/report.css}), the chart script ({@code report/report.js}), Chart.js and the chart
 * series (JSON) inlined, so the file renders offline and can be mailed around. Every value from the
 * model is HTML-escaped by Qute. Every canvas gets {@code data-rendered="true"} and {@code data-points}
 * once its chart is drawn.
 */
public final class HtmlReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Variant HTML = new Variant(Locale.ROOT, StandardCharsets.UTF_8, Variant.TEXT_HTML);
    private static final Engine ENGINE = Engine.builder()
            .addDefaults()
            .addValueResolver(new ReflectionValueResolver())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .addLocator(HtmlReport::locate)
            .build();

    private HtmlReport() {
    }

    public static String render(ReportModel report) {
        return ENGINE.getTemplate("report.html").instance()
                .data("report", report)
                .data("chartJsVersion", chartJsVersion())
                // trusted text, printed as it is: our stylesheet and script, Chart.js, and JSON safe inside <script>
                .data("css", new RawString(resource("/report/report.css")))
                .data("script", new RawString(resource("/report/report.js")))
                .data("chartJs", new RawString(chartJs()))
                .data("chartData", new RawString(json(report.runs().stream().map(ReportModel.RunSection::charts).toList())))
                .render();
    }

    /** Templates from the classpath, under {@code templates/}; all of them HTML, so Qute escapes what they print. */
    private static Optional<TemplateLocator.TemplateLocation> locate(String id) {
        String path = "templates/" + (id.endsWith(".html") ? id : id + ".html");
        URL url = HtmlReport.class.getClassLoader().getResource(path);
        if (url == null) {
            return Optional.empty();
        }
        return Optional.of(new TemplateLocator.TemplateLocation() {
            @Override
            public Reader read() {
                try {
                    return new InputStreamReader(url.openStream(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read template " + url, e);
                }
            }

            @Override
            public Optional<Variant> getVariant() {
                return Optional.of(HTML);
            }
        });
    }

    /** JSON safe inside a script element. */
    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o).replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String path) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("not on the classpath: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    static String chartJsVersion() {
        Properties p = new Properties();
        try (InputStream in = HtmlReport.class.getResourceAsStream("/console.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through
        }
        return p.getProperty("chartjs.version", "4.4.7");
    }

    static String chartJs() {
        return resource("/META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist/chart.umd.js")
                .replace("</script", "<\\/script");
    }
}
