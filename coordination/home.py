"""The home page is assembled from sections the apps offer, so that coordination (the lowest
layer) never imports the apps above it: an app adds a section by defining
`home_sections(self, *, user) -> list[HomeSection]` on its AppConfig."""

from dataclasses import dataclass, field

from django.apps import apps

from .models import User


@dataclass(frozen=True)
class HomeSection:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def home_sections(*, user: User) -> list[HomeSection]:
    sections: list[HomeSection] = []
    for config in apps.get_app_configs():
        provide = getattr(config, "home_sections", None)
        if provide is not None:
            sections.extend(provide(user=user))
    return sorted(sections, key=lambda section: section.order)
