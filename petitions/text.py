"""A small, safe Markdown subset for petition and answer texts.

Supported: paragraphs, line breaks, `**bold**`, `*italic*`, `- ` / `* ` bullet lists, `1. ` numbered
lists and `[text](https://...)` links. Everything is HTML-escaped first and nh3 sanitises the result,
so a petition can never carry markup the renderer did not produce."""

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])")
_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((https?://[^\s)]{1,500})\)")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


def _inline(text: str) -> str:
    text = html.escape(text, quote=True)
    text = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _ITALIC.sub(r"<em>\1</em>", text)


def render_markdown(source: str) -> str:
    blocks = re.split(r"\n\s*\n", (source or "").replace("\r\n", "\n").strip())
    out: list[str] = []
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            out.append(
                "<ul>" + "".join(f"<li>{_inline(_BULLET.match(line).group(1))}</li>" for line in lines) + "</ul>"
            )
        elif all(_NUMBERED.match(line) for line in lines):
            out.append(
                "<ol>" + "".join(f"<li>{_inline(_NUMBERED.match(line).group(1))}</li>" for line in lines) + "</ol>"
            )
        else:
            out.append("<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>")
    return nh3.clean(
        "\n".join(out),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
    )
