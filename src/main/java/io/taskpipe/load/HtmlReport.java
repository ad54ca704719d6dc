package io.taskpipe.load;

import io.taskpipe.check.Report;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load run's HTML report: one self-contained page (inline SVG, no scripts) with the latency
 * percentile curve per type, throughput and p99 over time, the per-lane split of queue wait and
 * service time, the summary tables and the checker's figures.
 */
final class HtmlReport {

    /** Chart ids, which tests look for. */
    static final List<String> CHARTS = List.of("latency-percentiles", "throughput", "p99-over-time", "lane-breakdown");

    private HtmlReport() {
    }

    static String render(Summary summary, RunStats stats) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>taskpipe load: ")
                .append(Svg.escape(summary.scenario())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
                .append(".pass{color:#2ca02c;font-weight:bold}.fail{color:#d62728;font-weight:bold}</style></head><body>\n");
        html.append("<h1>taskpipe load run: ").append(Svg.escape(summary.scenario())).append("</h1>\n<p>")
                .append(Svg.escape(summary.description())).append("</p>\n<p>Run <code>").append(summary.runId()).append("</code>, started ")
                .append(summary.startedAt()).append(String.format(", %.1f s: %,d of %,d tasks sent, %,d results (%,.1f/s), %,d send errors.",
                        summary.elapsedS(), summary.sent(), summary.planned(), summary.done(), summary.resultsPerS(), summary.sendErrors()))
                .append(" Latency is measured from each task's <em>intended</em> send time to its result's arrival, on one clock.</p>\n");

        html.append("<h2>Checker</h2>\n").append(checker(summary.checker()));
        html.append("<h2>Latency</h2>\n").append(latencyTable(summary));
        html.append(percentileChart(stats));
        html.append("<h2>Over time</h2>\n").append(throughputChart(summary)).append(p99Chart(summary));
        html.append("<h2>Lanes: queue wait vs service time</h2>\n").append(laneChart(summary)).append(laneTable(summary));
        html.append("<h2>Statuses</h2>\n<table><tr><th>type</th><th>statuses</th></tr>\n");
        summary.statuses().forEach((type, counts) -> html.append("<tr><td>").append(Svg.escape(type)).append("</td><td>")
                .append(Svg.escape(counts.toString())).append("</td></tr>\n"));
        return html.append("</table>\n</body></html>\n").toString();
    }

    private static String checker(Report r) {
        return String.format("<table><tr><th>produced</th><th>terminal</th><th>lost</th><th>duplicates (unmarked)</th>"
                        + "<th>order violations</th><th>keys with gaps</th><th>verdict</th></tr>%n<tr><td>%,d</td><td>%,d</td><td>%,d</td>"
                        + "<td>%,d (%,d)</td><td>%,d</td><td>%,d</td><td class=\"%s\">%s</td></tr></table>%n",
                r.produced(), r.terminal(), r.lost(), r.duplicates(), r.unmarkedDuplicates(), r.orderViolations(), r.keysWithGaps(),
                r.passed() ? "pass" : "fail", r.passed() ? "PASS" : "FAIL");
    }

    private static String latencyTable(Summary s) {
        StringBuilder t = new StringBuilder("<table><tr><th>type</th><th>count</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th></tr>\n");
        Map<String, Summary.Percentiles> rows = new LinkedHashMap<>();
        rows.put("all types", s.latencyMs());
        rows.putAll(s.latencyMsByType());
        rows.forEach((type, p) -> t.append(String.format("<tr><td>%s</td><td>%,d</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td></tr>%n",
                Svg.escape(type), p.count(), p.p50(), p.p90(), p.p99(), p.p999(), p.max())));
        return t.append("</table>\n").toString();
    }

    private static String percentileChart(RunStats stats) {
        List<Svg.Series> series = new ArrayList<>();
        Map<String, Histogram> byType = new LinkedHashMap<>();
        byType.put("all types", stats.latency());
        byType.putAll(stats.latencyByType());
        byType.forEach((type, h) -> {
            List<double[]> points = new ArrayList<>();
            if (h.getTotalCount() > 0) {
                for (HistogramIterationValue v : h.percentiles(5)) {
                    double p = v.getPercentileLevelIteratedTo();
                    if (p < 100) {
                        points.add(new double[] {Math.min(5, Math.log10(100 / (100 - p))), v.getValueIteratedTo() / 1000.0});
                    }
                }
            }
            series.add(new Svg.Series(type, points));
        });
        // x is the number of nines: 1 at 90 %, 2 at 99 %, ...; ticks up to the deepest percentile measured
        double deepest = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[0]).max().orElse(1);
        Map<Double, String> ticks = new LinkedHashMap<>();
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i < labels.length && i <= Math.max(1, Math.ceil(deepest)); i++) {
            ticks.put((double) i, labels[i]);
        }
        return Svg.lineChart("latency-percentiles", "Latency by percentile, per type", "percentile", "latency (ms)", series, ticks, null);
    }

    private static String throughputChart(Summary s) {
        List<double[]> done = new ArrayList<>();
        List<double[]> sent = new ArrayList<>();
        s.timeline().forEach(p -> {
            done.add(new double[] {p.second(), p.done()});
            sent.add(new double[] {p.second(), p.sent()});
        });
        return Svg.lineChart("throughput", "Throughput over time", "seconds since start", "tasks per second",
                List.of(new Svg.Series("results/s", done), new Svg.Series("sent/s", sent)), null, Svg::number);
    }

    private static String p99Chart(Summary s) {
        List<double[]> p99 = new ArrayList<>();
        s.timeline().stream().filter(p -> p.p99Ms() != null).forEach(p -> p99.add(new double[] {p.second(), p.p99Ms()}));
        return Svg.lineChart("p99-over-time", "p99 latency over time (results arriving in each second)", "seconds since start",
                "p99 latency (ms)", List.of(new Svg.Series("p99", p99)), null, Svg::number);
    }

    private static String laneChart(Summary s) {
        Map<String, double[]> rows = new LinkedHashMap<>();
        s.lanes().forEach((lane, b) -> {
            rows.put(lane + " p50", new double[] {b.queueWaitMs().p50(), b.serviceMs().p50()});
            rows.put(lane + " p99", new double[] {b.queueWaitMs().p99(), b.serviceMs().p99()});
        });
        return Svg.stackedBars("lane-breakdown", "Queue wait and service time per lane", "milliseconds",
                List.of("queue wait", "service"), rows);
    }

    private static String laneTable(Summary s) {
        StringBuilder t = new StringBuilder("<table><tr><th>lane</th><th>tasks</th><th>queue wait p50 ms</th><th>queue wait p99 ms</th>"
                + "<th>service p50 ms</th><th>service p99 ms</th></tr>\n");
        s.lanes().forEach((lane, b) -> t.append(String.format("<tr><td>%s</td><td>%,d</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td></tr>%n",
                lane, b.serviceMs().count(), b.queueWaitMs().p50(), b.queueWaitMs().p99(), b.serviceMs().p50(), b.serviceMs().p99())));
        return t.append("</table>\n").toString();
    }
}
