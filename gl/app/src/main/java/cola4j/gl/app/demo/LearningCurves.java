package cola4j.gl.app.demo;

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
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Learning-curve PNGs (XChart): the metric of one user (or the mean over users) against the server step, one
 * line per method. Colours from the Okabe–Ito colour-blind-safe palette (without its yellow, which is hard to see on
 * white), and every series also differs in dash pattern, marker or width ({@link #style}), so that curves that
 * coincide — ColA low-rank merged, unmerged and LoRA compute the same adapters by theorem — stay distinguishable: the
 * later ones draw thinner dashed lines with line-drawn markers over the first one's filled circles. Legend notes say
 * which curves are equal by theorem. The untouched base is a grey dotted line without markers.
 */
public final class LearningCurves {
    private LearningCurves() {}

    /** Okabe & Ito (2008) without yellow: black, orange, sky blue, bluish green, blue, vermillion, reddish purple. */
    static final Color[] PALETTE = {new Color(0x000000), new Color(0xE69F00), new Color(0x56B4E9),
        new Color(0x009E73), new Color(0x0072B2), new Color(0xD55E00), new Color(0xCC79A7)};
    private static final float[] SOLID = null, DASH = {8f, 4f}, DOT = {2f, 3f}, DASH_DOT = {10f, 3f, 2f, 3f};

    /** The colour, dash pattern (null = solid), marker and line width of a series. */
    record Style(Color color, float[] dash, Marker marker, float width) {}

    /**
     * The style of series {@code i}, laid out for the demo's order (merged, merged-average, unmerged, linear, mlp,
     * lora, full, bf16): the three curves equal by theorem (0, 2, 5) are a thick solid line with filled circles, then
     * thin dashed and dotted lines with line-drawn markers (× and +) that stay visible on top of the circles; series 7
     * (bf16, close to 0) is a thin dash-dot line without markers. Beyond 8 series the styles repeat.
     */
    static Style style(int i) {
        return switch (i % 8) {
            case 0 -> new Style(PALETTE[0], SOLID, SeriesMarkers.CIRCLE, 3.2f);
            case 1 -> new Style(PALETTE[1], SOLID, SeriesMarkers.DIAMOND, 2.0f);
            case 2 -> new Style(PALETTE[2], DASH, SeriesMarkers.CROSS, 1.6f);
            case 3 -> new Style(PALETTE[3], DASH_DOT, SeriesMarkers.SQUARE, 2.0f);
            case 4 -> new Style(PALETTE[4], SOLID, SeriesMarkers.TRIANGLE_UP, 2.0f);
            case 5 -> new Style(PALETTE[5], DOT, SeriesMarkers.PLUS, 1.6f);
            case 6 -> new Style(PALETTE[6], DASH, SeriesMarkers.TRIANGLE_DOWN, 2.0f);
            default -> new Style(PALETTE[0], DASH_DOT, SeriesMarkers.NONE, 1.2f);
        };
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
            Style st = style(i++);
            s.setLineColor(st.color());
            s.setMarkerColor(st.color());
            s.setMarker(st.marker());
            s.setLineStyle(new BasicStroke(st.width(), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, st.dash(),
                    0f));
        }
        if (!Double.isNaN(base)) {
            XYSeries s = chart.addSeries("base (untouched)", new double[] {0, maxStep}, new double[] {base, base});
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(new Color(0x999999));
            s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {1f, 4f},
                    0f));
        }
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        cola4j.tensor.io.AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
