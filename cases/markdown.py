"""Entry bodies are Markdown; the HTML is sanitised so a body can never carry script or style."""

import threading

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


# One converter per thread, reset for each text: building one (its extensions and patterns)
# cost about three times the conversion of a short body. Not shared between threads: a
# converter keeps state while it converts.
_converters = threading.local()


def _converter() -> markdown_lib.Markdown:
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = markdown_lib.Markdown(extensions=["tables", "sane_lists"], output_format="html")
        _converters.markdown = converter
    return converter


def render_markdown(text: str) -> str:
    """Safe HTML for an entry body: links get rel=noopener noreferrer, no raw HTML survives."""
    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
