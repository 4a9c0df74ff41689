"""Shared PDF plumbing: the embedded CJK font, canvases and paragraph styles."""

import io
import threading
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FILE = FONT_DIR / "wqy-microhei.ttc"
FONT_SUBFONT = 0
FONT_NAME = "WQYMicroHei"

_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Register the shipped TrueType CJK font with reportlab once; return its name."""
    global _registered
    if _registered:
        return FONT_NAME
    with _lock:
        if not _registered:
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE), subfontIndex=FONT_SUBFONT))
            # Bold/italic map to the same face so <b> in paragraphs never falls back to Helvetica.
            from reportlab.lib.fonts import addMapping

            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT_NAME, bold, italic, FONT_NAME)
            _registered = True
    return FONT_NAME


def new_canvas(buffer: io.BytesIO, title: str, author: str = "examapp") -> canvas.Canvas:
    """Return an A4 canvas whose initial font is the embedded CJK face."""
    font = register_fonts()
    pdf = canvas.Canvas(buffer, pagesize=A4, initialFontName=font, initialFontSize=10,
                        pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    pdf.setCreator("examapp")
    return pdf


def canvas_maker(title: str):
    """Return a canvasmaker for platypus documents that uses the embedded font."""
    font = register_fonts()

    class _Canvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            # platypus passes initialFontName=None explicitly, which would mean Helvetica
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font
            kwargs["initialFontSize"] = kwargs.get("initialFontSize") or 10
            super().__init__(*args, **kwargs)
            self.setTitle(title)
            self.setCreator("examapp")

    return _Canvas


def styles() -> dict[str, ParagraphStyle]:
    """Return the paragraph styles for records and report PDFs."""
    font = register_fonts()
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1,
                                spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=19, spaceBefore=10,
                             spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
    }
