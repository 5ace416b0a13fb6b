package cola4j.gl.app.demo;

import cola4j.gl.app.io.PlotStyle;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Learning-curve PNGs (XChart): the metric of one user (or the mean over users) against the server step, one
 * line per method. Colours from the Okabe–Ito colour-blind-safe palette (without its yellow, which is hard to see on
 * white), and every series also differs in dash pattern, marker or width ({@link PlotStyle}), so that curves
 * that coincide — ColA low-rank merged, unmerged and LoRA compute the same adapters by theorem — stay
 * distinguishable: the later ones draw thinner dashed lines with line-drawn markers over the first one's filled
 * circles. Legend notes say
 * which curves are equal by theorem. The untouched base is a grey dotted line without markers.
 */
public final class LearningCurves {
    private LearningCurves() {}

    /** The style of series {@code i}: {@link PlotStyle#of}. */
    static PlotStyle style(int i) {
        return PlotStyle.of(i);
    }

    /** {@link #write(Path, String, String, Map, double, Map)} without legend notes. */
    public static void write(Path file, String title, String metric, Map<String, List<double[]>> series,
            double base) throws IOException {
        write(file, title, metric, series, base, Map.of());
    }

    /**
     * Writes one PNG (atomically).
     *
     * @param series method → [[step, metric], …], drawn in this order
     * @param base   the untouched base's metric, drawn as a flat line (NaN: none)
     * @param notes  method → a note appended to its legend entry (e.g. that it equals another curve by theorem)
     */
    public static void write(Path file, String title, String metric, Map<String, List<double[]>> series,
            double base, Map<String, String> notes) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("server step")
                .yAxisTitle(metric).build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setLegendFont(chart.getStyler().getLegendFont().deriveFont(11f));
        double maxStep = 1;
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray(),
                    y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
            if (x.length == 0) continue;
            maxStep = Math.max(maxStep, x[x.length - 1]);
            String note = notes.get(e.getKey());
            XYSeries s = chart.addSeries(note == null ? e.getKey() : e.getKey() + " (" + note + ")", x, y);
            PlotStyle st = style(i++);
            st.apply(s);
        }
        if (!Double.isNaN(base)) {
            XYSeries s = chart.addSeries("base (untouched)", new double[] {0, maxStep}, new double[] {base, base});
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(new Color(0x999999));
            s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {1f, 4f},
                    0f));
        }
        save(file, chart);
    }

    /**
     * Writes one PNG of y against x, one line (with markers when {@code markers}) per series; {@code logY} draws y
     * on a log axis (values ≤ 0 are drawn at 1e-17, the floor of float64 relative differences).
     *
     * @param series name → [[x, y], …]
     */
    public static void writeXY(Path file, String title, String xTitle, String yTitle,
                               Map<String, List<double[]>> series, boolean logY, boolean markers) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray(),
                    y = e.getValue().stream().mapToDouble(p -> logY ? Math.max(p[1], 1e-17) : p[1]).toArray();
            if (x.length == 0) continue;
            chart.addSeries(e.getKey(), x, y).setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        save(file, chart);
    }

    private static void save(Path file, XYChart chart) throws IOException {
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        cola4j.tensor.io.AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
