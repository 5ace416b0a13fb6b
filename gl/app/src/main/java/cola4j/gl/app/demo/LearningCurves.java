package cola4j.gl.app.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Learning-curve PNGs (XChart): the metric of one user (or the mean over users) against the server step, one
 * line per method.
 */
public final class LearningCurves {
    private LearningCurves() {}

    /**
     * Writes one PNG (atomically).
     *
     * @param series method → [[step, metric], …]
     * @param base   the untouched base's metric, drawn as a flat line (NaN: none)
     */
    public static void write(Path file, String title, String metric, Map<String, List<double[]>> series,
            double base) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("server step")
                .yAxisTitle(metric).build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        double maxStep = 1;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray(),
                    y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
            if (x.length == 0) continue;
            maxStep = Math.max(maxStep, x[x.length - 1]);
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
        }
        if (!Double.isNaN(base)) {
            chart.addSeries("base (untouched)", new double[] {0, maxStep}, new double[] {base, base})
                    .setMarker(SeriesMarkers.NONE);
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
