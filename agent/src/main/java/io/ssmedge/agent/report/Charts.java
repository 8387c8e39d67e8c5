package io.ssmedge.agent.report;

import io.ssmedge.model.LayerSystem;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningSweep;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The report's charts, drawn with XChart and embedded as PNG data URIs so the HTML opens offline. */
final class Charts {
    static final int W = 900;
    static final int H = 420;
    private static final Color[] COLORS = {new Color(0xC0392B), new Color(0x2471A3), new Color(0x229954),
        new Color(0x7D3C98), new Color(0xB9770E), new Color(0x566573)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    static String dataUri(Chart<?, ?> chart) {
        try {
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(
                    BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static XYChart xy(String title, String x, String y) {
        return xy(title, x, y, W, H);
    }

    private static XYChart xy(String title, String x, String y, int width, int height) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setLegendLayout(Styler.LegendLayout.Vertical)
                .setChartBackgroundColor(Color.WHITE).setMarkerSize(6)
                .setSeriesColors(COLORS);
        return c;
    }

    /** One line per method of a quantity (in percent) against the pruning ratio. */
    static XYChart perMethod(PruningSweep.Result r, String title, String yTitle, ToDoubleFunction<PruningSweep.Point> f) {
        XYChart c = xy(title, "states pruned (%)", yTitle);
        for (Map.Entry<PruningMethod, List<PruningSweep.Point>> e : r.points().entrySet()) {
            double[] y = e.getValue().stream().mapToDouble(f).toArray();
            XYSeries s = c.addSeries(e.getKey().label(), r.ratios(), y);
            if (e.getKey() == PruningMethod.LAST) {
                s.setLineWidth(3f);
            } else {
                s.setLineStyle(SeriesLines.DASH_DASH);
            }
        }
        return c;
    }

    static XYChart accuracy(PruningSweep.Result r, double maxDrop) {
        XYChart c = perMethod(r, "Accuracy after pruning", "accuracy (%)", p -> 100 * p.accuracy());
        return limitLine(c, r, "budget: unpruned − " + maxDrop + " points", 100 * r.baselineAccuracy() - maxDrop);
    }

    /** A dotted horizontal line at a limit (nothing when the limit is NaN). */
    static XYChart limitLine(XYChart c, PruningSweep.Result r, String label, double y) {
        if (Double.isNaN(y)) {
            return c;
        }
        XYSeries s = c.addSeries(label, new double[]{r.ratios()[0], r.ratios()[r.ratios().length - 1]},
                new double[]{y, y});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Color.GRAY);
        s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{2f, 4f}, 0f));
        return c;
    }

    /** LAST step latency against the ratio. */
    static XYChart latency(PruningSweep.Result r) {
        XYChart c = xy("Time per sensor sample (one stream, LAST-pruned model)", "states pruned (%)", "µs per sample");
        List<PruningSweep.Point> ps = r.points().get(PruningMethod.LAST);
        c.addSeries("median of the runs", r.ratios(), ps.stream().mapToDouble(p -> p.stepNanos() / 1000).toArray())
                .setLineWidth(3f);
        Color spread = new Color(0x7F8C8D);
        for (boolean slow : new boolean[]{false, true}) {
            XYSeries s = c.addSeries(slow ? "slowest run" : "fastest run", r.ratios(),
                    ps.stream().mapToDouble(p -> (slow ? p.stepNanosHigh() : p.stepNanosLow()) / 1000).toArray());
            s.setLineColor(spread);
            s.setMarkerColor(spread);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(SeriesLines.DOT_DOT);
        }
        return c;
    }

    /** Memory against the ratio. */
    static XYChart memory(PruningSweep.Result r) {
        XYChart c = xy("Memory of the LAST-pruned model", "states pruned (%)", "kilobytes");
        List<PruningSweep.Point> ps = r.points().get(PruningMethod.LAST);
        c.addSeries("weights (KB, once)", r.ratios(), ps.stream().mapToDouble(p -> p.weightBytes() / 1024.0).toArray());
        c.addSeries("state per stream (KB)", r.ratios(), ps.stream().mapToDouble(p -> p.stateBytes() / 1024.0).toArray());
        return c;
    }

    /** Kept and removed states per layer. */
    static CategoryChart keptPerLayer(int[] before, int[] kept, String title) {
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title(title).xAxisTitle("layer")
                .yAxisTitle("states").build();
        c.getStyler().setStacked(true).setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal).setChartBackgroundColor(Color.WHITE)
                .setSeriesColors(new Color[]{new Color(0x229954), new Color(0xD5D8DC)});
        List<String> layers = new ArrayList<>();
        List<Integer> k = new ArrayList<>();
        List<Integer> p = new ArrayList<>();
        for (int l = 0; l < before.length; l++) {
            layers.add(Integer.toString(l));
            k.add(kept[l]);
            p.add(before[l] - kept[l]);
        }
        c.addSeries("kept", layers, k);
        c.addSeries("removed", layers, p);
        return c;
    }

    /** Kept vs removed poles of one layer, zoomed onto them, with the unit circle for reference. */
    static XYChart poles(LayerSystem s, int[] kept, int layer) {
        XYChart c = xy("Layer " + layer + ": poles λ̄ (● kept, ✕ removed), zoomed; the curve is |λ̄| = 1",
                "Re λ̄", "Im λ̄", 640, 560);
        c.getStyler().setMarkerSize(7).setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        boolean[] k = new boolean[s.units()];
        for (int i : kept) {
            k[i] = true;
        }
        List<Double> kr = new ArrayList<>();
        List<Double> ki = new ArrayList<>();
        List<Double> pr = new ArrayList<>();
        List<Double> pi = new ArrayList<>();
        double minRe = 1;
        double minIm = 0;
        double maxIm = 0;
        for (int i = 0; i < s.units(); i++) {
            double re = s.lambdaRe()[i];
            double im = s.lambdaIm()[i];
            (k[i] ? kr : pr).add(re);
            (k[i] ? ki : pi).add(im);
            minRe = Math.min(minRe, re);
            minIm = Math.min(minIm, im);
            maxIm = Math.max(maxIm, im);
        }
        // a square window around the poles (equal scales on both axes), reaching to the unit circle at 1
        double half = 0.55 * Math.max(1 - minRe, Math.max(maxIm - minIm, 1e-3));
        double centerRe = (minRe + 1) / 2;
        double centerIm = (minIm + maxIm) / 2;
        // unit circle arc over the visible angles
        int n = 400;
        double[] cx = new double[n];
        double[] cy = new double[n];
        for (int j = 0; j < n; j++) {
            double a = -Math.PI + 2 * Math.PI * j / (n - 1);
            cx[j] = Math.cos(a);
            cy[j] = Math.sin(a);
        }
        XYSeries circle = c.addSeries("|λ̄| = 1", cx, cy);
        circle.setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY).setLineWidth(1f);
        if (!kr.isEmpty()) {
            XYSeries ks = c.addSeries("kept", kr, ki);
            ks.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.CIRCLE)
                    .setMarkerColor(new Color(0x229954));
        }
        if (!pr.isEmpty()) {
            XYSeries ps = c.addSeries("removed", pr, pi);
            ps.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.CROSS)
                    .setMarkerColor(new Color(0xC0392B));
        }
        c.getStyler().setXAxisMin(centerRe - half).setXAxisMax(centerRe + half)
                .setYAxisMin(centerIm - half).setYAxisMax(centerIm + half);
        return c;
    }
}
