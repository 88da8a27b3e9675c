from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Referrals from a case to a catalogue service (issue #15). Sits above consent, beside
    meetings and voice, importing neither: the payload travels through consent's share path."""

    name = "referrals"
    verbose_name = _("Referrals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coordination.notifications import register

        from .notifications import KINDS

        register(*KINDS)

    def consent_request_decided(self, *, request: object, actor: object) -> None:
        from .services import referral_consent_decided

        referral_consent_decided(request=request, actor=actor)  # type: ignore[arg-type]

    def coordinator_items(self, *, user: object, cases: list) -> list:
        from .coordinator import referral_items

        return referral_items(user=user, cases=cases)  # type: ignore[arg-type]

    def case_sections(self, *, user: object, case: object) -> list:
        from .home import case_sections

        return case_sections(user=user, case=case)  # type: ignore[arg-type]

    def home_sections(self, *, viewer: object) -> list:
        from .home import home_sections

        return home_sections(viewer=viewer)  # type: ignore[arg-type]
