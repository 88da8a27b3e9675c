"""Sentences of consent's pages built in Python rather than in their templates, where a
template would render the same sentence again for every row."""

from datetime import datetime

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from cases.models import Entry
from coordination.models import User

from .selectors import Knowledge


class KnowledgeRows:
    """The who-knows-what page's rows, each `<li>` exactly as its template once rendered it: a
    500-entry case has ~2,000 rows, and the template's nodes per row (an include, four
    blocktranslates, a `{% url %}`, a `{% csrf_token %}`) were most of the page's time. Built
    here in one pass instead: each sentence once per distinct entry, day or minute, the fixed
    texts translated and escaped once per page ({% translate %} escapes its text), values
    escaped and translations not, as blocktranslate renders them. The markup is the template's,
    whitespace included: tests/consent/test_who_knows_what_page_rows.py renders the template this
    replaced and compares."""

    def __init__(self, *, decided_categories: set[str], csrf_token: str) -> None:
        self._decided = decided_categories
        self._dates: dict[tuple[str, object], str] = {}
        self._sentences: dict[tuple[str, ...], SafeString] = {}
        self._dated: dict[tuple[str, datetime], SafeString] = {}
        self._labels: dict[int, str] = {}
        self._names: dict[int, str] = {}
        self._entries: dict[int, SafeString] = {}
        self._escapes: dict[tuple[type, str], str] = {}
        # Once a page: localtime looked the zone up for each of ~30,000 dates, and an entry's
        # get_category_display hashed every category's lazy label for each of ~500 entries.
        self._zone = timezone.get_current_timezone()
        self._categories: dict[str, str] = {}
        self._texts = {
            name: conditional_escape(text)
            for name, text in {
                "why": gettext("Why:"),
                "why_lower": gettext("why:"),
                "ended": gettext("ended:"),
                "not_opened": gettext("Not opened yet"),
                "stop": gettext("Stop sharing"),
                "legal_duty": gettext(
                    "Because the law requires this, it cannot be withdrawn. Ask the person who "
                    "shared it if you have questions."
                ),
            }.items()
        }
        # The sentences with a date, translated once (each is built once per distinct date).
        self._since = gettext("Since %(date)s")
        self._until = gettext("until %(date)s")
        self._opened_at = gettext("Opened %(date)s")
        self._last_opened = gettext("Last opened %(date)s")
        self._period = gettext("could see it from %(start)s to %(end)s")
        self._with_name = gettext("«%(title)s» with %(name)s")
        self._csrf = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token
        )
        # One reverse for every row's form: the path of a marker id, split around it.
        head, tail = reverse("consent:disclosure-withdraw", args=[0]).rsplit("/0/", 1)
        self._withdraw = (conditional_escape(head) + "/", "/" + conditional_escape(tail))

    def _date(self, moment: datetime, with_time: bool) -> str:
        local = timezone.localtime(moment, self._zone)
        key: tuple[str, object] = (
            ("minute", local.replace(second=0, microsecond=0))
            if with_time
            else ("day", local.date())
        )
        text = self._dates.get(key)
        if text is None:
            text = self._dates[key] = formats.date_format(
                local, "j. F Y H:i" if with_time else "j. F Y"
            )
        return text

    def _category(self, entry: Entry) -> str:
        """The category's label escaped, once per category a page."""
        text = self._categories.get(entry.category)
        if text is None:
            text = self._categories[entry.category] = conditional_escape(
                entry.get_category_display()
            )
        return text

    def _escaped(self, text: str) -> str:
        """conditional_escape of a row's basis text, justification, purpose or end, once per
        distinct text a page: ~2,000 rows share a handful of them (a str and a SafeString of
        the same characters escape differently, so the type is in the key)."""
        key = (type(text), text)
        escaped = self._escapes.get(key)
        if escaped is None:
            escaped = self._escapes[key] = conditional_escape(text)
        return escaped

    def _sentence(self, message: str, **dates: str) -> SafeString:
        """`message` (translated) with `dates` put in."""
        key = (message, *dates.values())
        text = self._sentences.get(key)
        if text is None:
            values = {name: conditional_escape(date) for name, date in dates.items()}
            text = self._sentences[key] = mark_safe(message % values)  # noqa: S308
        return text

    def _on(self, message: str, moment: datetime, with_time: bool) -> SafeString:
        """`message` with the day (or minute) of `moment`, once per distinct moment a page: an
        entry's rows share its creation, and a share's recipients its time."""
        key = (message, moment)
        text = self._dated.get(key)
        if text is None:
            text = self._dated[key] = self._sentence(message, date=self._date(moment, with_time))
        return text

    def _label(self, knowledge: Knowledge) -> str:
        """The entry's label escaped, the same for every row of the entry."""
        text = self._labels.get(knowledge.entry.id)
        if text is None:
            text = self._labels[knowledge.entry.id] = conditional_escape(knowledge.label)
        return text

    def _name(self, person: User) -> str:
        text = self._names.get(person.id)
        if text is None:
            text = self._names[person.id] = conditional_escape(person.name)
        return text

    def _entry(self, knowledge: Knowledge) -> SafeString:
        """The entry as the viewer may know it: its title, or the hidden form (entry_label), and
        to the young person why it is withheld. The same for every row of the entry."""
        text = self._entries.get(knowledge.entry.id)
        if text is not None:
            return text
        # format_html's escaping, done once per label and category (_label, _category): ~500
        # entries a page, and format_html's lazy-argument checks cost more than the rest of it.
        text = mark_safe(f"<strong>{self._label(knowledge)}</strong>")  # noqa: S308
        withholding = knowledge.withholding
        if withholding is not None:
            values = {
                "name": conditional_escape(withholding.decided_by.name),
                "date": conditional_escape(self._date(withholding.decided_at, with_time=False)),
                "category": self._category(knowledge.entry),
            }
            text += mark_safe(  # noqa: S308
                " – "
                + gettext(
                    "On %(date)s, %(name)s wrote something about %(category)s that you are not "
                    "allowed to see. The reason they gave:"
                )
                % values
            )
            text += format_html(" «{}»", withholding.reason)
        elif knowledge.visible or knowledge.withheld:
            text += mark_safe(f" ({self._category(knowledge.entry)})")  # noqa: S308
        self._entries[knowledge.entry.id] = text
        return text

    def _opened(self, knowledge: Knowledge, message: str) -> SafeString | None:
        opened = knowledge.last_opened
        if opened is None:
            return None
        return self._on(message, opened, with_time=True)

    def current(self, knowledge: Knowledge, person: User) -> str:
        """A row of "Can see now"."""
        texts = self._texts
        parts = [
            "\n    <li>\n      ",
            self._entry(knowledge),
            "\n\n      <br>",
            self._on(self._since, knowledge.since, with_time=False),
        ]
        if knowledge.until:
            parts += (" ", self._on(self._until, knowledge.until, with_time=True))
        parts += (" – ", self._escaped(knowledge.basis_text))
        legal_duty = knowledge.basis == "legal_duty"
        if legal_duty and knowledge.justification:
            parts += (": «", self._escaped(knowledge.justification), "»")
        if knowledge.purpose:
            parts += ("<br>", texts["why"], " «", self._escaped(knowledge.purpose), "»")
        opened = self._opened(knowledge, self._opened_at)
        parts += ("\n      <br>", texts["not_opened"] if opened is None else opened, "\n      ")
        disclosure = knowledge.shown_disclosure
        if disclosure is not None:
            parts.append("\n        ")
            if legal_duty:
                parts += ('\n        <p class="note">', texts["legal_duty"], "</p>\n        ")
            elif knowledge.entry.category in self._decided:
                hidden = self._with_name % {
                    "title": self._label(knowledge),
                    "name": self._name(person),
                }
                parts += (
                    '\n        <form method="post" action="',
                    self._withdraw[0],
                    str(disclosure.pk),
                    self._withdraw[1],
                    '" class="inline-form">\n          ',
                    self._csrf,
                    '\n          <button type="submit" class="button button-secondary">',
                    texts["stop"],
                    '<span class="visually-hidden"> ',
                    hidden,
                    "</span></button>\n        </form>\n        ",
                )
            parts.append("\n      ")
        parts.append("\n    </li>\n    ")
        return "".join(parts)

    def ended(self, knowledge: Knowledge) -> str:
        """A row of "Could see before"."""
        assert knowledge.until is not None  # an ended row has an end
        texts = self._texts
        parts = [
            "\n    <li>",
            self._entry(knowledge),
            "\n – ",
            self._sentence(
                self._period,
                start=self._date(knowledge.since, with_time=False),
                end=self._date(knowledge.until, with_time=False),
            ),
            " (",
            self._escaped(knowledge.basis_text),
        ]
        if knowledge.purpose:
            parts += ("; ", texts["why_lower"], " «", self._escaped(knowledge.purpose), "»")
        end_reason = knowledge.end_reason_label
        if end_reason:
            parts += ("; ", texts["ended"], " ", self._escaped(end_reason))
        parts.append(")")
        opened = self._opened(knowledge, self._last_opened)
        if opened is not None:
            parts += (". ", opened)
        parts.append("</li>\n    ")
        return "".join(parts)
