"""The home page is assembled from sections the apps offer, so that coordination (the lowest
layer) never imports the apps above it: an app adds a section by defining
`home_sections(self, *, viewer) -> list[HomeSection]` on its AppConfig. The sections share one
`Viewer` a request, so what several of them need about the person (their cases) is read once.

The ungdomshjelper's overview is assembled the same way: an app adds what it knows about a
case by defining `coordinator_items(self, *, user, cases) -> list[CaseItem]`; and so is the top of
a case page: `case_sections(self, *, user, case) -> list[HomeSection]` (e.g. consent's link to
who-knows-what, shown by the same rule that opens that page); and so is the part of the profile
about one's rights: `profile_sections(self, *, user) -> list[HomeSection]` (voice's links to
one's comments and corrections and to the complaint page)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps

from .models import User
from .selectors import guardianships_of_person

T = TypeVar("T")


@dataclass(frozen=True)
class HomeSection:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def _sections(hook: str, **context: Any) -> list[HomeSection]:
    """The sections every app's AppConfig offers through its method `hook`, in their order."""
    sections: list[HomeSection] = []
    for config in apps.get_app_configs():
        provide = getattr(config, hook, None)
        if provide is not None:
            sections.extend(provide(**context))
    return sorted(sections, key=lambda section: section.order)


class Viewer:
    """The person a page is assembled for, and what its sections share about them: each app
    asks for a shared read through its own selector (e.g. cases.selectors.viewer_cases), which
    computes it by its one rule the first time and hands the same result to every later section
    of the same request. Lives for one request only, so nothing is ever stale."""

    def __init__(self, user: User) -> None:
        self.user = user
        self._shared: dict[str, Any] = {}

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked for on this page, the same value after."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]


def home_sections(*, user: User) -> list[HomeSection]:
    return _sections("home_sections", viewer=Viewer(user))


def profile_sections(*, user: User) -> list[HomeSection]:
    """What the apps above show on the profile about the person's rights."""
    return _sections("profile_sections", user=user)


def case_sections(*, user: User, case: Any) -> list[HomeSection]:
    """What the apps above cases show at the top of the page of `case` to `user`."""
    return _sections("case_sections", user=user, case=case)


def guardianship_sections(*, viewer: Viewer) -> list[HomeSection]:
    """Who is registered as the person's guardian, and whose guardian they are registered as:
    a young person always sees who may decide for them."""
    as_youth, as_guardian = guardianships_of_person(user=viewer.user)
    if not as_youth and not as_guardian:
        return []
    return [
        HomeSection(
            "coordination/home_guardians.html",
            {"as_youth": as_youth, "as_guardian": as_guardian},
            order=40,
        )
    ]


@dataclass(frozen=True)
class CaseItem:
    """Something waiting on one case, for its ungdomshjelper: how many of one kind, in words,
    and where it is done. `youth` marks what waits for the young person rather than for the
    ungdomshjelper. Counts and links only: never the title or text of an entry."""

    case_id: int
    kind: str
    count: int
    label: str
    url: str
    youth: bool = False


def case_item(
    *, case_id: int, kind: str, count: int, label: Any, url: str, youth: bool = False
) -> CaseItem:
    """`label` is `ngettext_lazy(singular, plural, "count")`, both with `%(count)d`: the item
    carries it in the active language, in the form for `count`."""
    return CaseItem(case_id, kind, count, str(label % {"count": count}), url, youth)


def coordinator_items(*, user: User, cases: Sequence[Any]) -> list[CaseItem]:
    """Every app's items about `cases` (cases where `user` is the ungdomshjelper now), in the
    order of INSTALLED_APPS. Each app answers for all the cases at once, in a fixed number of
    queries, and leaves out kinds with nothing waiting."""
    if not cases:
        return []
    items: list[CaseItem] = []
    for config in apps.get_app_configs():
        provide = getattr(config, "coordinator_items", None)
        if provide is not None:
            items.extend(provide(user=user, cases=cases))
    return items
