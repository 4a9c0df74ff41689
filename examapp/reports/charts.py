"""Server-rendered SVG charts for the dashboards (no JavaScript, no CDN, CSP-safe)."""

from markupsafe import Markup, escape

WIDTH = 640
BAR_GAP = 4


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def columns(title: str, labels: list[str], values: list[float], *, height: int = 220,
            fmt: str = "{:g}") -> Markup:
    """Vertical bars with a value above each and its label below."""
    top = max(values or [0]) or 1
    count = max(len(values), 1)
    step = (WIDTH - 20) / count
    plot = height - 50
    body = [f'<line x1="10" y1="{plot + 20}" x2="{WIDTH - 10}" y2="{plot + 20}" class="axis"/>']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot * value / top
        x = 10 + i * step + BAR_GAP / 2
        body.append(f'<rect x="{x:.1f}" y="{plot + 20 - h:.1f}" width="{step - BAR_GAP:.1f}" height="{h:.1f}" '
                    f'class="bar"><title>{escape(label)}: {escape(fmt.format(value))}</title></rect>')
        body.append(f'<text x="{x + (step - BAR_GAP) / 2:.1f}" y="{plot + 15 - h:.1f}" class="value">'
                    f'{escape(fmt.format(value))}</text>')
        body.append(f'<text x="{x + (step - BAR_GAP) / 2:.1f}" y="{plot + 36}" class="label">{escape(label)}</text>')
    return _svg(WIDTH, height, title, body)


def bars(title: str, rows: list[tuple[str, float | None, float | None]], legend: tuple[str, str]) -> Markup:
    """Two horizontal bars (0..1 rates) per row: e.g. participation and pass rate per unit."""
    row_h, label_w = 34, 180
    height = 30 + row_h * max(len(rows), 1)
    span = WIDTH - label_w - 60
    body = [f'<rect x="{label_w}" y="4" width="12" height="10" class="bar"/>'
            f'<text x="{label_w + 16}" y="13" class="legend">{escape(legend[0])}</text>'
            f'<rect x="{label_w + 200}" y="4" width="12" height="10" class="bar2"/>'
            f'<text x="{label_w + 216}" y="13" class="legend">{escape(legend[1])}</text>']
    for i, (label, first, second) in enumerate(rows):
        y = 24 + i * row_h
        body.append(f'<text x="{label_w - 6}" y="{y + 17}" class="label end">{escape(label[:16])}</text>')
        for j, (value, cls) in enumerate(((first, "bar"), (second, "bar2"))):
            w = span * (value or 0)
            text = "—" if value is None else f"{value * 100:.1f}%"
            body.append(f'<rect x="{label_w}" y="{y + j * 13}" width="{w:.1f}" height="12" class="{cls}"/>'
                        f'<text x="{label_w + w + 4:.1f}" y="{y + j * 13 + 10}" class="value start">{text}</text>')
    return _svg(WIDTH, height, title, body)


def cumulative(title: str, days: list[tuple[object, int]], required: int) -> Markup:
    """Participation over the exam window: people who had taken part by each day."""
    total, labels, values = 0, [], []
    for day, count in days:
        total += count
        labels.append(day.strftime("%m-%d"))
        values.append(total / required if required else 0.0)
    return columns(title, labels, [round(v * 100, 1) for v in values], fmt="{:g}%")
