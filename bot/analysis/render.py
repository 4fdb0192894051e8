"""The text format of an analysis, for people reading it in a terminal."""

from __future__ import annotations

from .model import Analysis


def render_text(analysis: Analysis) -> str:
    """The failing step, the category, the summary and the span lines with their numbers."""
    shown_lines = sum(s.end - s.start + 1 for s in analysis.spans)
    out = [
        f"Failed step: {analysis.failed_step or 'unknown'}",
        f"Category:    {analysis.category}",
        f"Signature:   {analysis.signature}",
        f"Summary:     {analysis.summary}",
        f"Lines:       {analysis.lines_total} in the log, {shown_lines} shown",
    ]
    if analysis.tests:
        out.append(
            "Tests:       " + ", ".join(analysis.tests[:10]) + (" …" if len(analysis.tests) > 10 else "")
        )
    if analysis.files:
        shown = [f.path + (f":{f.line}" if f.line else "") for f in analysis.files[:10]]
        out.append("Files:       " + ", ".join(shown) + (" …" if len(analysis.files) > 10 else ""))
    text_by_line = dict(analysis.excerpt)
    width = len(str(max((s.end for s in analysis.spans), default=1)))
    for span in analysis.spans:
        where = f" (step: {span.step})" if span.step else ""
        out.append("")
        out.append(f"--- lines {span.start}-{span.end}{where}")
        for no in range(span.start, span.end + 1):
            out.append(f"{no:>{width}} | {text_by_line.get(no, '')}")
    if not analysis.spans:
        out.append("")
        out.append("(no explaining lines found)")
    return "\n".join(out) + "\n"
