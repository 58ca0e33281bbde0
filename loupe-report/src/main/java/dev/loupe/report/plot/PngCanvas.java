package dev.loupe.report.plot;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Paints the primitives with headless Java2D into an image, {@code scale}× oversampled for crisp text. */
public final class PngCanvas implements Canvas {
    private final BufferedImage image;
    private final Graphics2D g;

    /** Draws a figure of this size with {@code painter} and returns the encoded PNG. */
    static byte[] render(double width, double height, double scale, java.util.function.Consumer<Canvas> painter) {
        PngCanvas c = new PngCanvas(width, height, scale);
        painter.accept(c);
        return c.finish();
    }

    public PngCanvas(double width, double height, double scale) {
        image = new BufferedImage((int) Math.ceil(width * scale), (int) Math.ceil(height * scale),
                BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.scale(scale, scale);
        g.setColor(Color.WHITE);
        g.fill(new Rectangle2D.Double(0, 0, width, height));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Style style) {
        paint(new Line2D.Double(x1, y1, x2, y2), new Style(null, style.stroke(), style.strokeWidth(),
                style.opacity(), style.dash()));
    }

    @Override
    public void polyline(double[] xs, double[] ys, Style style) {
        Path2D.Double p = new Path2D.Double();
        boolean pen = false;
        for (int i = 0; i < xs.length; i++) {
            if (Double.isNaN(xs[i]) || Double.isNaN(ys[i])) {
                pen = false;
            } else if (pen) {
                p.lineTo(xs[i], ys[i]);
            } else {
                p.moveTo(xs[i], ys[i]);
                pen = true;
            }
        }
        paint(p, new Style(null, style.stroke(), style.strokeWidth(), style.opacity(), style.dash()));
    }

    @Override
    public void polygon(double[] xs, double[] ys, Style style, String tooltip) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < xs.length; i++) {
            if (i == 0) {
                p.moveTo(xs[i], ys[i]);
            } else {
                p.lineTo(xs[i], ys[i]);
            }
        }
        p.closePath();
        paint(p, style);
    }

    @Override
    public void rect(double x, double y, double w, double h, Style style, String tooltip) {
        paint(new Rectangle2D.Double(x, y, Math.max(0, w), Math.max(0, h)), style);
    }

    @Override
    public void circle(double cx, double cy, double r, Style style, String tooltip) {
        paint(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r), style);
    }

    @Override
    public void text(double x, double y, String text, TextStyle s) {
        Font font = new Font(Font.SANS_SERIF, s.bold() ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) s.size());
        g.setFont(font);
        g.setColor(color(s.color(), 1));
        double w = g.getFontMetrics().getStringBounds(text, g).getWidth();
        double dx = switch (s.anchor()) {
            case "middle" -> -w / 2;
            case "end" -> -w;
            default -> 0;
        };
        AffineTransform saved = g.getTransform();
        if (s.rotate() != 0) {
            g.rotate(Math.toRadians(s.rotate()), x, y);
        }
        g.drawString(text, (float) (x + dx), (float) y);
        g.setTransform(saved);
    }

    @Override
    public void beginClip(double x, double y, double w, double h) {
        g.setClip(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void endClip() {
        g.setClip(null);
    }

    /** The PNG bytes. */
    public byte[] finish() {
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private void paint(java.awt.Shape shape, Style s) {
        if (s.fill() != null) {
            g.setColor(color(s.fill(), s.opacity()));
            g.fill(shape);
        }
        if (s.stroke() != null && s.strokeWidth() > 0) {
            g.setColor(color(s.stroke(), s.opacity()));
            float[] dash = null;
            if (s.dash() != null) {
                String[] parts = s.dash().trim().split("[ ,]+");
                dash = new float[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    dash[i] = Float.parseFloat(parts[i]);
                }
            }
            g.setStroke(new BasicStroke((float) s.strokeWidth(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10,
                    dash, 0));
            g.draw(shape);
        }
    }

    private static Color color(String hex, double opacity) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        return new Color((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, (int) Math.round(255 * opacity));
    }
}
