"""Draw the app icons (PNG) and the favicon: a white 法 on the site's red, with the shipped CJK font.

Usage: python scripts/make_icons.py   (writes examapp/static/icons/; run again after changing the design)
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "examapp" / "fonts" / "wqy-microhei.ttc"
OUT = ROOT / "examapp" / "static" / "icons"
RED, WHITE = (155, 28, 28, 255), (255, 255, 255, 255)


def icon(size: int, *, maskable: bool = False) -> Image.Image:
    """A square icon; a maskable one fills the square and keeps the glyph inside the 80 % safe zone."""
    scale = 4  # draw large, then shrink: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=RED)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=RED)
    glyph = int(big * (0.5 if maskable else 0.66))
    font = ImageFont.truetype(str(FONT), glyph)
    draw.text((big / 2, big / 2), "法", font=font, fill=WHITE, anchor="mm")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    icon(180, maskable=True).save(OUT / "apple-touch-icon.png", optimize=True)
    icon(32).save(OUT / "favicon-32.png", optimize=True)
    icon(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
