"""A teaching sheet (graph.teaching) as HTML, Markdown and PDF.

The HTML and Markdown come from Jinja2 templates in ``graph/templates`` (installed with the
package); the PDF is the same HTML laid out on an A4 page by xhtml2pdf, a pure-Python renderer
(ReportLab underneath), so a PDF needs no browser and no system library. The HTML's print CSS
keeps the sheet to one A4 page when a browser prints it.

>>> from graph.teaching import TeachingSheet
>>> empty = TeachingSheet("example", "http://example.org/d", (), (), (), (), (), (), (), False, ())
>>> sheet_markdown(empty).splitlines()[0]
'# Example'
"""

from __future__ import annotations

import io
import re
from functools import cache

import jinja2

from graph.teaching import TeachingSheet

#: Characters Markdown gives a meaning to inside a line, escaped with a backslash (CommonMark
#: lets any ASCII punctuation be escaped): a label cannot open a link, emphasis, code or HTML.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!&~])")


def markdown_text(value: object) -> str:
    r"""``value`` as one line of Markdown text: special characters escaped, line breaks spaces.

    >>> markdown_text("a *b* <i>[c](d)</i>\nnext")
    'a \\*b\\* \\<i\\>\\[c\\](d)\\</i\\> next'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


@cache
def _environment(autoescape: bool) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("graph", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = markdown_text
    return environment


def sheet_html(sheet: TeachingSheet) -> str:
    """The sheet as one HTML page (text escaped by Jinja2), with print CSS for one A4 page."""
    return _environment(True).get_template("teaching-sheet.html").render(sheet=sheet)


def sheet_markdown(sheet: TeachingSheet) -> str:
    """The sheet as Markdown, every value escaped (to paste into slides or notes)."""
    text = _environment(False).get_template("teaching-sheet.md").render(sheet=sheet)
    return re.sub(r"\n{3,}", "\n\n", text).lstrip("\n")


def sheet_pdf(sheet: TeachingSheet) -> bytes:
    """The sheet's HTML as a PDF document on A4 (xhtml2pdf)."""
    from xhtml2pdf import pisa  # type: ignore[import-untyped]  # noqa: PLC0415 - ReportLab loads slowly; only PDFs need it

    output = io.BytesIO()
    status = pisa.CreatePDF(sheet_html(sheet), dest=output, encoding="utf-8")
    if status.err:
        raise RuntimeError(f"the PDF renderer reported {status.err} error(s)")
    return output.getvalue()
