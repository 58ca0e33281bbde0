/** A small builder for one self-contained HTML page (cards, sections, figures, sortable tables), escaping all text. */
package dev.loupe.report.html;
