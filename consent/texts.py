"""Sentences of consent's pages built in Python rather than in their templates, where a
template would render the same sentence again for every row."""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .selectors import Knowledge


class KnowledgeTexts:
    """The who-knows-what page's sentences of a row, as its template once rendered them per row
    with an include and up to four blocktranslates: a 500-entry case has ~2,000 rows but a few
    hundred distinct entries and dates, so each sentence is built once per distinct value. The
    values are escaped and the translation is not, exactly as blocktranslate renders it."""

    def __init__(self) -> None:
        self._dates: dict[tuple[str, object], str] = {}
        self._sentences: dict[tuple[str, ...], SafeString] = {}
        self._entries: dict[int, SafeString] = {}

    def _date(self, moment: datetime, with_time: bool) -> str:
        local = timezone.localtime(moment)
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

    def _sentence(self, message: str, **dates: str) -> SafeString:
        """`message` translated, with `dates` put in."""
        key = (message, *dates.values())
        text = self._sentences.get(key)
        if text is None:
            values = {name: conditional_escape(date) for name, date in dates.items()}
            text = self._sentences[key] = mark_safe(message % values)  # noqa: S308
        return text

    def _entry(self, knowledge: Knowledge) -> SafeString:
        """The entry as the viewer may know it: its title, or the hidden form (entry_label), and
        to the young person why it is withheld. The same for every row of the entry."""
        text = self._entries.get(knowledge.entry.pk)
        if text is not None:
            return text
        text = format_html("<strong>{}</strong>", knowledge.label)
        withholding = knowledge.withholding
        if withholding is not None:
            values = {
                "name": conditional_escape(withholding.decided_by.name),
                "date": conditional_escape(self._date(withholding.decided_at, with_time=False)),
                "category": conditional_escape(knowledge.entry.get_category_display()),
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
            text += format_html(" ({})", knowledge.entry.get_category_display())
        self._entries[knowledge.entry.pk] = text
        return text

    def current(self, knowledge: Knowledge) -> dict[str, object]:
        since = self._date(knowledge.since, with_time=False)
        until = knowledge.until
        opened = knowledge.last_opened
        return {
            "knowledge": knowledge,
            "entry": self._entry(knowledge),
            "since": self._sentence(gettext("Since %(date)s"), date=since),
            "until": (
                self._sentence(gettext("until %(date)s"), date=self._date(until, with_time=True))
                if until
                else ""
            ),
            "opened": (
                self._sentence(gettext("Opened %(date)s"), date=self._date(opened, with_time=True))
                if opened
                else ""
            ),
        }

    def ended(self, knowledge: Knowledge) -> dict[str, object]:
        assert knowledge.until is not None  # an ended row has an end
        opened = knowledge.last_opened
        return {
            "knowledge": knowledge,
            "entry": self._entry(knowledge),
            "period": self._sentence(
                gettext("could see it from %(start)s to %(end)s"),
                start=self._date(knowledge.since, with_time=False),
                end=self._date(knowledge.until, with_time=False),
            ),
            "opened": (
                self._sentence(
                    gettext("Last opened %(date)s"), date=self._date(opened, with_time=True)
                )
                if opened
                else ""
            ),
        }
