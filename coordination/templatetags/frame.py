"""`{% frame %}...{% endframe %}`: the markup every page shares (base.html), rendered once for
each combination of what it depends on and then reused, with the few per-request values put
back in their places on every request.

Every page renders base.html: its 16 `{% url %}`, 22 `{% translate %}`, 3 `{% static %}` and
the conditions of the navigation cost about as much CPU as a page's own content. Their output
depends only on the language, the script prefix, the URLconf, whether someone is signed in (and
has a second factor), the current page's URL name and app, and whether there is unread news;
the rest of what the frame shows (the CSRF token, the person's name, the unread count, the path
the language switch returns to) is per request. So the frame's nodes are rendered once per such
key with markers standing in for those values, and each request joins the kept text, the
values and the child template's blocks (rendered as before, in the request's context). A page
with messages, or a context without a request, a user or a CSRF token (the 500 page), renders
the frame's nodes plainly, as base.html did before.

The markers are rendered in a context that refuses any name or attribute not named here, so a
later edit of base.html that reads something else per request fails loudly instead of keeping
the first request's value (tests/coordination/test_frame.py compares every page with the plain
render).
"""

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, NamedTuple

from django import template
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.template.base import Node, NodeList, Parser, Token, render_value_in_context
from django.template.context import Context
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import SafeString

register = template.Library()

# Kept frames, all frames together; a handful per language and page kind in practice. Emptied
# when full (and when a test changes a setting), so a process never holds more than this many.
_MOST_FRAMES = 512
_FRAMES: dict[tuple["FrameNode", "_Key"], list[Any]] = {}

# Escaping and translation leave NUL alone, and no template text or translation contains one.
_MARKER = re.compile("\x00frame:([a-z_]+)\x00")


def _marker(name: str) -> str:
    return f"\x00frame:{name}\x00"


# The per-request values, read from the request's context as base.html reads them.
_VALUES: dict[str, Callable[[Any], Any]] = {
    "csrf_token": lambda context: context["csrf_token"],
    "name": lambda context: context["user"].name,
    "unread": lambda context: context["unread_notifications"],
    "path": lambda context: context["request"].get_full_path(),
}


class _Known:
    """A stand-in for a per-request object with only the attributes the frame may read."""

    def __init__(self, what: str, **attributes: Any) -> None:
        self.__dict__.update(attributes, _what=what)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise ImproperlyConfigured(
            f"base.html's frame reads {self._what}.{name}: name it in {__name__}"
        )


class _KnownContext(Context):
    def __getitem__(self, key: Any) -> Any:
        for values in reversed(self.dicts):
            if key in values:
                return values[key]
        raise ImproperlyConfigured(f"base.html's frame reads {key}: name it in {__name__}")


class _Key(NamedTuple):
    """What the frame's text depends on besides the per-request values."""

    language: str | None
    language_code: str | None
    script_prefix: str
    urlconf: str | None
    current_app: str | None
    autoescape: bool
    use_l10n: bool | None
    use_tz: bool | None
    signed_in: bool
    second_factor: bool
    section: tuple[str | None, str] | None
    unread: bool | None


def _key(context: Context) -> _Key | None:
    """The frame's key for this request, or None where the frame is rendered plainly."""
    request = context.get("request")
    user = context.get("user")
    token = context.get("csrf_token")
    if request is None or user is None or not token or token == "NOTPROVIDED":
        return None
    if context.get("messages"):
        return None
    match = getattr(request, "resolver_match", None)
    signed_in = bool(user.is_authenticated)
    return _Key(
        language=translation.get_language(),
        language_code=context.get("LANGUAGE_CODE"),
        script_prefix=get_script_prefix(),
        urlconf=get_urlconf(),
        current_app=_current_app(context),
        autoescape=context.autoescape,
        use_l10n=context.use_l10n,
        use_tz=context.use_tz,
        signed_in=signed_in,
        second_factor=signed_in and bool(getattr(user, "otp_device", None)),
        section=None if match is None else (match.url_name, match.app_name),
        unread=(
            bool(context.get("unread_notifications")) if "unread_notifications" in context else None
        ),
    )


def _current_app(context: Context) -> str | None:
    """The namespace `{% url %}` reverses in, read as django.template.defaulttags.URLNode does."""
    request = getattr(context, "request", None)
    try:
        return request.current_app  # type: ignore[union-attr]
    except AttributeError:
        try:
            return request.resolver_match.namespace  # type: ignore[union-attr]
        except AttributeError:
            return None


def _stand_ins(key: _Key) -> dict[str, Any]:
    """The frame's context for a key: markers for the per-request values, the rest as keyed."""
    user = (
        _Known("user", is_authenticated=True, otp_device=key.second_factor, name=_marker("name"))
        if key.signed_in
        else _Known("user", is_authenticated=False)
    )
    match = (
        None
        if key.section is None
        else _Known("request.resolver_match", url_name=key.section[0], app_name=key.section[1])
    )
    values: dict[str, Any] = {
        "csrf_token": _marker("csrf_token"),
        "user": user,
        "request": _Known("request", resolver_match=match, get_full_path=lambda: _marker("path")),
        "messages": (),
        "LANGUAGE_CODE": key.language_code,
    }
    if key.unread is not None:
        values["unread_notifications"] = _marker("unread") if key.unread else 0
    return values


class FrameNode(Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self._by_type: dict[type[Node], list[Node]] = {}

    def get_nodes_by_type(self, nodetype: type[Node]) -> list[Node]:
        # A page's {% extends %} asks for the frame's blocks on every render, which walked all
        # of base.html's ~150 nodes each time; the nodes do not change once parsed.
        nodes = self._by_type.get(nodetype)
        if nodes is None:
            nodes = self._by_type[nodetype] = super().get_nodes_by_type(nodetype)
        return list(nodes)

    def render(self, context: Context) -> SafeString:
        key = _key(context)
        if key is None:
            return self.nodelist.render(context)
        parts = _FRAMES.get((self, key))
        if parts is None:
            parts = self._parts(key, context)
            if len(_FRAMES) >= _MOST_FRAMES:
                _FRAMES.clear()
            _FRAMES[(self, key)] = parts
        output = []
        for part in parts:
            if isinstance(part, str):
                output.append(part)
            elif isinstance(part, BlockNode):
                output.append(str(part.render_annotated(context)))
            else:
                output.append(render_value_in_context(_VALUES[part[0]](context), context))
        return SafeString("".join(output))

    def _parts(self, key: _Key, context: Context) -> list[Any]:
        """The frame's text split at its markers and blocks: str, ("value",) or BlockNode."""
        known = _KnownContext(
            _stand_ins(key),
            autoescape=context.autoescape,
            use_l10n=context.use_l10n,
            use_tz=context.use_tz,
        )
        known.template = context.template
        # Where a debug page finds the template of an error in the frame.
        known.render_context.template = context.render_context.template
        # What `{% url %}` reads of the request besides the context (its key holds it too).
        known.request = SimpleNamespace(current_app=key.current_app)  # type: ignore[attr-defined]
        parts: list[Any] = []
        text = ""
        for node in self.nodelist:
            if isinstance(node, BlockNode):
                parts += [text, node]
                text = ""
                continue
            pieces = _MARKER.split(str(node.render_annotated(known)))
            text += pieces[0]
            for name, after in zip(pieces[1::2], pieces[2::2], strict=True):
                parts += [text, (name,)]
                text = after
        parts.append(text)
        return [part for part in parts if part != ""]


@register.tag
def frame(parser: Parser, token: Token) -> FrameNode:
    nodelist = parser.parse(("endframe",))
    parser.delete_first_token()
    if any(block not in nodelist for block in nodelist.get_nodes_by_type(BlockNode)):
        raise template.TemplateSyntaxError(
            "{% frame %}: a {% block %} inside another tag would be kept from the first request"
        )
    return FrameNode(nodelist)


def _forget_frames(**kwargs: Any) -> None:
    """A test that changes a setting (languages, URLs, static files) renders anew."""
    _FRAMES.clear()


setting_changed.connect(_forget_frames)
