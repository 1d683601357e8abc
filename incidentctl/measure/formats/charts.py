"""Inline SVG charts (no JavaScript, no network): bars, a histogram and trend lines."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

PALETTE = ("#d62728", "#ff7f0e", "#bcbd22", "#1f77b4", "#7f7f7f", "#9467bd", "#8c564b")
W, H, PAD_L, PAD_B, PAD_T = 640, 260, 72, 44, 16


def _frame(title: str, body: str, legend: list[tuple[str, str]]) -> str:
    keys = "".join(
        f'<span class="key"><i style="background:{color}"></i>{escape(name)}</span>'
        for name, color in legend
    )
    return (
        f"<figure><figcaption>{escape(title)}</figcaption>"
        f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}">{body}</svg>'
        f'<div class="legend">{keys}</div></figure>'
    )


def _axis(max_value: float, fmt: Callable[[float], str]) -> str:
    lines = []
    for i in range(5):
        value = max_value * i / 4
        y = H - PAD_B - (H - PAD_B - PAD_T) * i / 4
        lines.append(
            f'<line class="grid" x1="{PAD_L}" x2="{W - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(fmt(value))}</text>"
        )
    return "".join(lines)


def stacked_bars(title: str, labels: list[str], series: dict[str, list[int]]) -> str:
    """Counts per label, stacked by series (e.g. incidents per month by severity)."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = -(-max([*totals, 1]) // 4) * 4  # round up to a multiple of 4: whole-number ticks
    plot_w = W - PAD_L - 8
    step = plot_w / max(len(labels), 1)
    bar = step * 0.7
    scale = (H - PAD_B - PAD_T) / top
    parts = [_axis(top, lambda v: f"{v:.0f}")]
    legend = [(name, PALETTE[idx % len(PALETTE)]) for idx, name in enumerate(series)]
    for i, name in enumerate(labels):
        x = PAD_L + i * step + (step - bar) / 2
        y: float = H - PAD_B
        for idx, (sev, values) in enumerate(series.items()):
            height = values[i] * scale
            if height:
                y = y - height
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                    f'height="{height:.1f}" fill="{PALETTE[idx % len(PALETTE)]}">'
                    f"<title>{escape(name)} {escape(sev)}: {values[i]}</title></rect>"
                )
        parts.append(
            f'<text class="tick" x="{x + bar / 2:.1f}" y="{H - PAD_B + 16}" '
            f'text-anchor="middle">{escape(name)}</text>'
        )
    return _frame(title, "".join(parts), legend)


def histogram(title: str, edges: list[tuple[str, float]], values: list[float]) -> str:
    """How many values fall in each bucket (``edges``: label and upper bound in seconds)."""
    counts = [0] * len(edges)
    for value in values:
        for i, (_, upper) in enumerate(edges):
            if value < upper or i == len(edges) - 1:
                counts[i] += 1
                break
    return stacked_bars(title, [name for name, _ in edges], {"incidents": counts})


def lines(
    title: str,
    labels: list[str],
    series: dict[str, list[float | None]],
    fmt: Callable[[float], str],
) -> str:
    """One line per series over the labels; gaps where a value is missing."""
    known = [v for values in series.values() for v in values if v is not None]
    top = max([*known, 1.0])
    plot_w = W - PAD_L - 72
    step = plot_w / max(len(labels) - 1, 1)
    scale = (H - PAD_B - PAD_T) / top
    parts = [_axis(top, fmt)]
    legend = []
    for idx, (name, values) in enumerate(series.items()):
        color = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")[idx % 4]
        legend.append((name, color))
        points: list[str] = []
        for i, value in enumerate(values):
            if value is None:
                if len(points) > 1:
                    parts.append(
                        f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                        f'points="{" ".join(points)}"/>'
                    )
                points = []
                continue
            x, y = PAD_L + 32 + i * step, H - PAD_B - value * scale
            points.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                f"<title>{escape(labels[i])} {escape(name)}: "
                f"{escape(fmt(value))}</title></circle>"
            )
        if len(points) > 1:
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                f'points="{" ".join(points)}"/>'
            )
    for i, name in enumerate(labels):
        parts.append(
            f'<text class="tick" x="{PAD_L + 32 + i * step:.1f}" y="{H - PAD_B + 16}" '
            f'text-anchor="middle">{escape(name)}</text>'
        )
    return _frame(title, "".join(parts), legend)
