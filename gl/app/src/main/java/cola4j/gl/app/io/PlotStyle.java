package cola4j.gl.app.io;

import java.awt.BasicStroke;
import java.awt.Color;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The line styles of the programs' XChart plots (demo learning curves, {@code cola bench memory}): colours from the
 * Okabe–Ito colour-blind-safe palette, and per series a different dash pattern or marker, so that curves that
 * coincide stay visible and no series is told apart by colour alone.
 *
 * @param color  line and marker colour
 * @param dash   dash pattern (null = solid)
 * @param marker point marker
 * @param width  line width in pixels
 */
public record PlotStyle(Color color, float[] dash, Marker marker, float width) {
    /** Okabe & Ito (2008) without yellow: black, orange, sky blue, bluish green, blue, vermillion, reddish purple. */
    public static final Color[] PALETTE = {new Color(0x000000), new Color(0xE69F00), new Color(0x56B4E9),
        new Color(0x009E73), new Color(0x0072B2), new Color(0xD55E00), new Color(0xCC79A7)};
    private static final float[] SOLID = null, DASH = {8f, 4f}, DOT = {2f, 3f}, DASH_DOT = {10f, 3f, 2f, 3f};

    /**
     * The style of series {@code i}, laid out for the demo's order (merged, merged-average, unmerged, linear, mlp,
     * lora, full, bf16): the three curves equal by theorem (0, 2, 5) are a thick solid line with filled circles, then
     * thin dashed and dotted lines with line-drawn markers (× and +) that stay visible on top of the circles; series 7
     * (bf16, close to 0) is a thin dash-dot line without markers. Beyond 8 series the styles repeat.
     */
    public static PlotStyle of(int i) {
        return switch (i % 8) {
            case 0 -> new PlotStyle(PALETTE[0], SOLID, SeriesMarkers.CIRCLE, 3.2f);
            case 1 -> new PlotStyle(PALETTE[1], SOLID, SeriesMarkers.DIAMOND, 2.0f);
            case 2 -> new PlotStyle(PALETTE[2], DASH, SeriesMarkers.CROSS, 1.6f);
            case 3 -> new PlotStyle(PALETTE[3], DASH_DOT, SeriesMarkers.SQUARE, 2.0f);
            case 4 -> new PlotStyle(PALETTE[4], SOLID, SeriesMarkers.TRIANGLE_UP, 2.0f);
            case 5 -> new PlotStyle(PALETTE[5], DOT, SeriesMarkers.PLUS, 1.6f);
            case 6 -> new PlotStyle(PALETTE[6], DASH, SeriesMarkers.TRIANGLE_DOWN, 2.0f);
            default -> new PlotStyle(PALETTE[0], DASH_DOT, SeriesMarkers.NONE, 1.2f);
        };
    }

    /** Sets this style's colour, marker and stroke on {@code s}. */
    public void apply(XYSeries s) {
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(marker);
        s.setLineStyle(new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
    }
}
