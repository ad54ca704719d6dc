package io.taskpipe.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * Just enough SVG for the load report's charts, written inline so the report is one self-contained
 * file that opens offline: line charts and stacked horizontal bars, with axes, ticks and a legend.
 */
final class Svg {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#637939"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 320;
    private static final int LEFT = 70;
    private static final int RIGHT = 180;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;

    /** A named series of (x, y) points. */
    record Series(String name, List<double[]> points) {
    }

    private Svg() {
    }

    /**
     * A line chart. {@code xTicks} maps tick positions to their labels (null: five even ticks with
     * {@code xFormat}); the y axis starts at 0.
     */
    static String lineChart(String id, String title, String xLabel, String yLabel, List<Series> series,
                            Map<Double, String> xTicks, DoubleFunction<String> xFormat) {
        double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMax = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        if (xTicks != null) {
            for (double tick : xTicks.keySet()) {
                xMin = Math.min(xMin, tick);
                xMax = Math.max(xMax, tick);
            }
        }
        if (xMin > xMax) {
            xMin = 0;
            xMax = 1;
        }
        if (xMax == xMin) {
            xMax = xMin + 1;
        }
        yMax = niceCeiling(yMax);
        Frame frame = new Frame(xMin, xMax, 0, yMax);
        StringBuilder svg = open(id, title);
        axes(svg, frame, xLabel, yLabel);
        if (xTicks == null) {
            for (int i = 0; i <= 5; i++) {
                double x = xMin + (xMax - xMin) * i / 5;
                xTick(svg, frame, x, xFormat.apply(x));
            }
        } else {
            xTicks.forEach((x, label) -> xTick(svg, frame, x, label));
        }
        for (int i = 0; i < series.size(); i++) {
            StringBuilder points = new StringBuilder();
            for (double[] p : series.get(i).points()) {
                points.append(fmt(frame.x(p[0]))).append(',').append(fmt(frame.y(p[1]))).append(' ');
            }
            svg.append(String.format("<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    color(i), points.toString().trim()));
            legend(svg, i, series.get(i).name());
        }
        return svg.append("</svg>\n").toString();
    }

    /** Horizontal bars, one per row, each split into segments (same segment names in every row). */
    static String stackedBars(String id, String title, String xLabel, List<String> segments, Map<String, double[]> rows) {
        double max = niceCeiling(rows.values().stream().mapToDouble(r -> java.util.Arrays.stream(r).sum()).max().orElse(1));
        int barHeight = 26;
        int height = TOP + BOTTOM + Math.max(1, rows.size()) * (barHeight + 14);
        Frame frame = new Frame(0, max, 0, 1);
        StringBuilder svg = open(id, title, height);
        int y = TOP + 8;
        for (Map.Entry<String, double[]> row : rows.entrySet()) {
            double x = 0;
            for (int s = 0; s < row.getValue().length; s++) {
                double value = row.getValue()[s];
                svg.append(String.format("<rect class=\"bar\" x=\"%s\" y=\"%d\" width=\"%s\" height=\"%d\" fill=\"%s\"><title>%s %s: %.1f</title></rect>%n",
                        fmt(frame.x(x)), y, fmt(Math.max(0, frame.x(x + value) - frame.x(x))), barHeight, color(s),
                        escape(row.getKey()), escape(segments.get(s)), value));
                x += value;
            }
            svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\">%s</text>%n", LEFT - 6, y + 17, escape(row.getKey())));
            y += barHeight + 14;
        }
        int axisY = y;
        svg.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT, axisY, WIDTH - RIGHT, axisY));
        for (int i = 0; i <= 5; i++) {
            double v = max * i / 5;
            svg.append(String.format("<text x=\"%s\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>%n", fmt(frame.x(v)), axisY + 15, number(v)));
        }
        svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">%s</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, axisY + 32, escape(xLabel)));
        for (int s = 0; s < segments.size(); s++) {
            legend(svg, s, segments.get(s));
        }
        return svg.append("</svg>\n").toString();
    }

    private record Frame(double xMin, double xMax, double yMin, double yMax) {
        double x(double value) {
            return LEFT + (value - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
        }

        double y(double value) {
            return HEIGHT - BOTTOM - (value - yMin) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM);
        }
    }

    private static StringBuilder open(String id, String title) {
        return open(id, title, HEIGHT);
    }

    private static StringBuilder open(String id, String title, int height) {
        StringBuilder svg = new StringBuilder(String.format(
                "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n",
                id, WIDTH, height, WIDTH, height));
        svg.append(String.format("<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", LEFT, escape(title)));
        return svg;
    }

    private static void axes(StringBuilder svg, Frame frame, String xLabel, String yLabel) {
        int bottom = HEIGHT - BOTTOM;
        svg.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT, bottom, WIDTH - RIGHT, bottom));
        svg.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT, TOP, LEFT, bottom));
        for (int i = 0; i <= 5; i++) {
            double v = frame.yMax() * i / 5;
            double y = frame.y(v);
            svg.append(String.format("<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#ddd\"/>%n", LEFT, fmt(y), WIDTH - RIGHT, fmt(y)));
            svg.append(String.format("<text x=\"%d\" y=\"%s\" text-anchor=\"end\" font-size=\"11\">%s</text>%n", LEFT - 6, fmt(y + 4), number(v)));
        }
        svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">%s</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8, escape(xLabel)));
        svg.append(String.format("<text x=\"16\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 16 %d)\">%s</text>%n",
                (TOP + bottom) / 2, (TOP + bottom) / 2, escape(yLabel)));
    }

    private static void xTick(StringBuilder svg, Frame frame, double x, String label) {
        int bottom = HEIGHT - BOTTOM;
        svg.append(String.format("<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#333\"/>%n", fmt(frame.x(x)), bottom, fmt(frame.x(x)), bottom + 4));
        svg.append(String.format("<text x=\"%s\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>%n", fmt(frame.x(x)), bottom + 16, escape(label)));
    }

    private static void legend(StringBuilder svg, int index, String name) {
        int y = TOP + 6 + index * 18;
        svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", WIDTH - RIGHT + 12, y, color(index)));
        svg.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n", WIDTH - RIGHT + 30, y + 10, escape(name)));
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code value}, so axes end on round numbers. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    static String number(double v) {
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String color(int index) {
        return COLORS[index % COLORS.length];
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
