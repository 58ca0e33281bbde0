package dev.loupe.report.html;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestHtmlPage {
    @Test
    void escapesAllMarkupCharacters() {
        assertEquals("&lt;script&gt;a&amp;b&quot;c&#39;d&lt;/script&gt;", Html.escape("<script>a&b\"c'd</script>"));
        assertEquals("a\uFFFDb", Html.escape("a\u0001b"));
        assertEquals("", Html.escape(null));
        assertEquals("\uFFFDx\uFFFD\uD83D\uDE00", Html.escape("\uD800x\uFFFF\uD83D\uDE00")); // lone surrogate, U+FFFF, 😀
    }

    @Test
    void tableCarriesExactSortKeysAndEscapesCells() {
        Table t = new Table(List.of(new Table.Column("name", "", false), new Table.Column("v", "value", true)));
        t.row(List.of(Table.Cell.text("<b>x</b>"), Table.Cell.number(1234.5, "1.23e3")));
        t.row(List.of(Table.Cell.text("y"), Table.Cell.number(Double.NaN, "–")));
        String html = t.html();
        assertTrue(html.contains("data-v=\"1234.5\""));
        assertEquals(1, html.split("data-v=", -1).length - 1); // NaN has no key: sorts last
        assertTrue(html.contains("&lt;b&gt;x&lt;/b&gt;"));
        assertThrows(IllegalArgumentException.class, () -> t.row(List.of(Table.Cell.text("only one"))));
    }

    @Test
    void pageIsOneFileWithoutUrls() {
        String html = new HtmlPage("T <i>")
                .cards(List.of(Card.of("a", "<b>")))
                .section("s", "S", "intro")
                .figure("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"></svg>", "cap")
                .render();
        assertFalse(html.contains("http://"));
        assertFalse(html.contains("https://"));
        assertFalse(html.contains("<link"));
        assertFalse(html.contains(" src="));
        assertTrue(html.contains("<title>T &lt;i&gt;</title>"));
        assertTrue(html.contains("<style>") && html.contains("<script>"));
    }
}
