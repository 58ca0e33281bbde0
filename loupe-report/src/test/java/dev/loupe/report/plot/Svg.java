package dev.loupe.report.plot;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/** Test helper: parses SVG strictly as XML (fails on any malformed output) and finds elements. */
public final class Svg {
    private Svg() {
    }

    public static Document parse(String svg) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage() + "\n" + svg, e);
        }
    }

    /** Elements named {@code tag} below the {@code <g class=group>} element(s). */
    public static List<Element> inGroup(Document d, String group, String tag) {
        List<Element> out = new ArrayList<>();
        NodeList gs = d.getElementsByTagName("g");
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if (group.equals(g.getAttribute("class"))) {
                NodeList es = g.getElementsByTagName(tag);
                for (int k = 0; k < es.getLength(); k++) {
                    out.add((Element) es.item(k));
                }
            }
        }
        return out;
    }

    public static double num(Element e, String attr) {
        return Double.parseDouble(e.getAttribute(attr));
    }
}
