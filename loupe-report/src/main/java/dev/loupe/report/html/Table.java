package dev.loupe.report.html;

import java.util.ArrayList;
import java.util.List;

/**
 * A table whose columns sort on a header click. Numeric cells carry their exact value as the sort key,
 * so "1.2e3" sorts after "950" and NaN ("–") sorts last.
 */
public final class Table {
    /** A header: name, tooltip (e.g. the metric's definition), and whether it is numeric (right-aligned). */
    public record Column(String name, String help, boolean numeric) {
    }

    /** A cell: shown text, numeric sort key (NaN for none), optional CSS class (e.g. a warning tone). */
    public record Cell(String text, double sortKey, String cssClass) {
        public static Cell text(String s) {
            return new Cell(s, Double.NaN, "");
        }

        public static Cell number(double v, String shown) {
            return new Cell(shown, v, "");
        }
    }

    private final List<Column> columns;
    private final List<List<Cell>> rows = new ArrayList<>();

    public Table(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    public Table row(List<Cell> cells) {
        if (cells.size() != columns.size()) {
            throw new IllegalArgumentException(cells.size() + " cells for " + columns.size() + " columns");
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    String html() {
        StringBuilder b = new StringBuilder();
        b.append("<div class=\"table-wrap\"><table class=\"sortable\"><thead><tr>");
        for (Column c : columns) {
            b.append("<th").append(c.numeric() ? " class=\"num\" data-type=\"num\"" : "").append(" title=\"")
                    .append(Html.escape(c.help())).append("\">").append(Html.escape(c.name())).append("</th>");
        }
        b.append("</tr></thead><tbody>\n");
        for (List<Cell> row : rows) {
            b.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                Cell cell = row.get(i);
                String cls = (columns.get(i).numeric() ? "num " : "") + cell.cssClass();
                b.append("<td");
                if (!cls.isBlank()) {
                    b.append(" class=\"").append(Html.escape(cls.strip())).append('"');
                }
                if (columns.get(i).numeric() && Double.isFinite(cell.sortKey())) {
                    b.append(" data-v=\"").append(cell.sortKey()).append('"');
                }
                b.append('>').append(Html.escape(cell.text())).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table></div>");
        return b.toString();
    }
}
