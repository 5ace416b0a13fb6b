package cola4j.gl.app.bench;

import cola4j.gl.app.io.PlotStyle;
import cola4j.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** The PNG of {@code cola bench memory}: server MiB against the number of users K, one line per method (XChart). */
final class MemoryPlot {
    private MemoryPlot() {}

    /** Renders the rows (headless) and writes the PNG atomically. */
    static void write(Path png, List<MemoryBench.Row> rows, String subtitle) throws IOException {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("Server memory vs users (" + subtitle + ")").xAxisTitle("users K (log scale)")
                .yAxisTitle("server MiB").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(11f));
        Map<String, List<double[]>> byMethod = new LinkedHashMap<>();
        for (MemoryBench.Row r : rows) {
            byMethod.computeIfAbsent(r.method(), m -> new ArrayList<>())
                    .add(new double[] {r.users(), r.serverBytes() / 1048576.0});
        }
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : byMethod.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray(),
                    y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
            PlotStyle.of(i++).apply(chart.addSeries(e.getKey(), x, y));
        }
        writeAtomic(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }

    /** Creates the target's directory if needed, then writes {@code bytes} atomically ({@link AtomicFiles}). */
    static void writeAtomic(Path file, byte[] bytes) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        AtomicFiles.write(abs, bytes);
    }
}
