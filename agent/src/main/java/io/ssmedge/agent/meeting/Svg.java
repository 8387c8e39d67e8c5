package io.ssmedge.agent.meeting;

import java.util.List;
import java.util.Locale;

/**
 * Small inline SVG charts for the meeting report (no scripts, no external files). Colours from the Okabe–Ito
 * palette, which stays distinct for the common kinds of colour blindness; lines also differ by dash pattern.
 */
final class Svg {
    static final String[] COLORS = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"};
    static final String[] DASHES = {"", "6 4", "2 3", "10 3 2 3"};
    private static final int W = 640;
    private static final int H = 260;
    private static final int L = 56;
    private static final int R = 150;
    private static final int T = 20;
    private static final int B = 40;

    private Svg() {
    }

    /** A named series of y values. */
    record Series(String name, double[] y) {
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static StringBuilder open(String title) {
        return new StringBuilder().append("<svg viewBox=\"0 0 ").append(W).append(' ')
                .append(H).append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\" class=\"chart\"><title>")
                .append(esc(title)).append("</title>");
    }

    private static void axes(StringBuilder s, double yMax, String yLabel, String xLabel) {
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = H - B - (H - T - B) * i / 4.0;
            s.append("<line x1=\"").append(L).append("\" x2=\"").append(W - R).append("\" y1=\"").append(f(y)).append("\" y2=\"")
                    .append(f(y)).append("\" stroke=\"#ddd\"/><text x=\"").append(L - 6).append("\" y=\"").append(f(y + 4))
                    .append("\" text-anchor=\"end\" font-size=\"11\">").append(nice(v)).append("</text>");
        }
        s.append("<text x=\"12\" y=\"").append(T + (H - T - B) / 2).append("\" font-size=\"11\" transform=\"rotate(-90 12 ")
                .append(T + (H - T - B) / 2).append(")\" text-anchor=\"middle\">").append(esc(yLabel)).append("</text>");
        s.append("<text x=\"").append(L + (W - L - R) / 2).append("\" y=\"").append(H - 6)
                .append("\" font-size=\"11\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>");
    }

    private static String nice(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
    }

    private static double max(List<Series> ss) {
        double m = 0;
        for (Series s : ss) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    m = Math.max(m, v);
                }
            }
        }
        return m <= 0 ? 1 : niceCeil(m * 1.05);
    }

    /** The smallest of 1, 2, 4, 5, 8 times a power of ten at or above v (four grid steps stay round). */
    static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 4, 5, 8, 10}) {
            if (m * p >= v - 1e-12) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static void legend(StringBuilder s, int i, String name, boolean bar) {
        int y = T + 14 + 18 * i;
        String c = COLORS[i % COLORS.length];
        if (bar) {
            s.append("<rect x=\"").append(W - R + 10).append("\" y=\"").append(y - 9).append("\" width=\"14\" height=\"10\" fill=\"")
                    .append(c).append("\"/>");
        } else {
            s.append("<line x1=\"").append(W - R + 8).append("\" x2=\"").append(W - R + 28).append("\" y1=\"").append(y - 4)
                    .append("\" y2=\"").append(y - 4).append("\" stroke=\"").append(c).append("\" stroke-width=\"3\" stroke-dasharray=\"")
                    .append(DASHES[i % DASHES.length]).append("\"/>");
        }
        s.append("<text x=\"").append(W - R + 32).append("\" y=\"").append(y).append("\" font-size=\"11\">").append(esc(name))
                .append("</text>");
    }

    /** Grouped bars: one group per category, one bar per series. */
    static String bars(String title, List<String> categories, List<Series> series, String yLabel, String xLabel) {
        StringBuilder s = open(title);
        double yMax = max(series);
        axes(s, yMax, yLabel, xLabel);
        double gw = (W - L - R) / (double) categories.size();
        double bw = gw * 0.8 / series.size();
        for (int c = 0; c < categories.size(); c++) {
            double gx = L + c * gw + gw * 0.1;
            for (int k = 0; k < series.size(); k++) {
                double v = series.get(k).y()[c];
                double h = (H - T - B) * v / yMax;
                s.append("<rect x=\"").append(f(gx + k * bw)).append("\" y=\"").append(f(H - B - h)).append("\" width=\"")
                        .append(f(bw - 2)).append("\" height=\"").append(f(h)).append("\" fill=\"").append(COLORS[k % COLORS.length])
                        .append("\"><title>").append(esc(series.get(k).name() + " " + categories.get(c) + ": " + nice(v)))
                        .append("</title></rect><text x=\"").append(f(gx + k * bw + bw / 2 - 1)).append("\" y=\"").append(f(H - B - h - 3))
                        .append("\" font-size=\"10\" text-anchor=\"middle\">").append(nice(v)).append("</text>");
            }
            s.append("<text x=\"").append(f(gx + gw * 0.4)).append("\" y=\"").append(H - B + 14)
                    .append("\" font-size=\"11\" text-anchor=\"middle\">").append(esc(categories.get(c))).append("</text>");
        }
        for (int k = 0; k < series.size(); k++) {
            legend(s, k, series.get(k).name(), true);
        }
        return s.append("</svg>").toString();
    }

    /**
     * Lines over x (numbers or, with {@code xLabels}, ordinal positions labelled by the strings), with an optional
     * vertical marker at {@code markX} (NaN = none).
     */
    static String lines(String title, double[] x, String[] xLabels, List<Series> series, String yLabel, String xLabel,
                        double markX, String markLabel, boolean steps) {
        StringBuilder s = open(title);
        double yMax = max(series);
        axes(s, yMax, yLabel, xLabel);
        double x0 = x[0];
        double x1 = x[x.length - 1] == x0 ? x0 + 1 : x[x.length - 1];
        int plotW = W - L - R;
        java.util.function.DoubleUnaryOperator px = v -> L + plotW * (v - x0) / (x1 - x0);
        java.util.function.DoubleUnaryOperator py = v -> H - B - (H - T - B) * v / yMax;
        int every = Math.max(1, x.length / 8);
        for (int i = 0; i < x.length; i += every) {
            s.append("<text x=\"").append(f(px.applyAsDouble(x[i]))).append("\" y=\"").append(H - B + 14)
                    .append("\" font-size=\"10\" text-anchor=\"middle\">")
                    .append(esc(xLabels != null ? xLabels[i] : nice(x[i]))).append("</text>");
        }
        if (!Double.isNaN(markX)) {
            double mx = px.applyAsDouble(markX);
            s.append("<line x1=\"").append(f(mx)).append("\" x2=\"").append(f(mx)).append("\" y1=\"").append(T).append("\" y2=\"")
                    .append(H - B).append("\" stroke=\"#555\" stroke-dasharray=\"3 3\"/><text x=\"").append(f(mx + 3))
                    .append("\" y=\"").append(T + 10).append("\" font-size=\"10\">").append(esc(markLabel)).append("</text>");
        }
        for (int k = 0; k < series.size(); k++) {
            StringBuilder d = new StringBuilder();
            double[] y = series.get(k).y();
            for (int i = 0; i < x.length; i++) {
                if (!Double.isFinite(y[i])) {
                    continue;
                }
                double xx = px.applyAsDouble(x[i]);
                double yy = py.applyAsDouble(y[i]);
                if (d.length() == 0) {
                    d.append('M').append(f(xx)).append(' ').append(f(yy));
                } else if (steps) {
                    d.append(" H").append(f(xx)).append(" V").append(f(yy));
                } else {
                    d.append(" L").append(f(xx)).append(' ').append(f(yy));
                }
            }
            String c = COLORS[k % COLORS.length];
            s.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(c).append("\" stroke-width=\"2.5\" stroke-dasharray=\"")
                    .append(DASHES[k % DASHES.length]).append("\"/>");
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(y[i])) {
                    s.append("<circle cx=\"").append(f(px.applyAsDouble(x[i]))).append("\" cy=\"").append(f(py.applyAsDouble(y[i])))
                            .append("\" r=\"3\" fill=\"").append(c).append("\"><title>").append(esc(series.get(k).name() + ": "
                                    + nice(y[i]))).append("</title></circle>");
                }
            }
            legend(s, k, series.get(k).name(), false);
        }
        return s.append("</svg>").toString();
    }
}
