package dev.loupe.report.html;

/**
 * A figure: SVG from the plot kit (inserted as is), a caption, an optional heading and a tag used by the
 * grid filter (e.g. "flagged").
 */
public record Figure(String svg, String caption, String heading, String tag) {
    static String html(Figure f) {
        StringBuilder b = new StringBuilder("<figure");
        if (!f.tag().isEmpty()) {
            b.append(" data-tag=\"").append(Html.escape(f.tag())).append('"');
        }
        b.append('>');
        if (!f.heading().isEmpty()) {
            b.append("<div class=\"fig-head\">").append(Html.escape(f.heading())).append("</div>");
        }
        // inline SVG in HTML5 needs no namespace; dropping it keeps the page free of any URL
        b.append(f.svg().replace(" xmlns=\"http://www.w3.org/2000/svg\"", ""));
        if (!f.caption().isEmpty()) {
            b.append("<figcaption>").append(Html.escape(f.caption())).append("</figcaption>");
        }
        return b.append("</figure>").toString();
    }
}
