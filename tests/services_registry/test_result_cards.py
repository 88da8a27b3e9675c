"""The finder's result cards, written by Python (`result_cards`), byte for byte as the template
loop they replaced wrote them, for varied services, days and the three languages."""

import itertools
from datetime import time

import pytest
from django.template import engines
from django.utils import translation

from services_registry.models import Organization, Schedule, Service
from services_registry.opening import Day
from services_registry.views import Result

# _results.html's loop before `result_cards` (with the words it read once a page).
TEMPLATE_LOOP = """{% load i18n catalogue %}\
{% translate "Facts" as facts_text %}{% translate "Open now" as open_now_text %}\
{% translate "Closed now" as closed_now_text %}{% translate "Drop in" as drop_in_text %}\
{% translate "Free" as free_text %}{% translate "Anonymous" as anonymous_text %}\
{% translate "Needs a referral" as needs_referral_text %}
  {% for result in results %}{% with service=result.service %}
  <li class="card service-card">
    <h3><a href="{{ result.url }}">{{ service|localized:"name" }}</a></h3>
    <p class="service-org">{{ service.organization|localized:"name" }}</p>
    <ul class="service-badges" aria-label="{{ facts_text }}">
      {% if result.open_now %}<li class="service-badge service-badge-open">{{ open_now_text }}</li>{% else %}<li class="service-badge">{{ closed_now_text }}</li>{% endif %}
      {% if service.drop_in %}<li class="service-badge">{{ drop_in_text }}</li>{% endif %}
      {% if service.free %}<li class="service-badge">{{ free_text }}</li>{% endif %}
      {% if service.anonymous %}<li class="service-badge">{{ anonymous_text }}</li>{% endif %}
      {% if service.referral_required %}<li class="service-badge">{{ needs_referral_text }}</li>{% endif %}
    </ul>
    <p>{{ service|localized:"description"|truncatewords:30 }}</p>
    {{ result.today|today_line }}
  </li>
  {% endwith %}{% endfor %}"""  # noqa: E501 (the template as it was)
PYTHON = "{% load catalogue %}\n  {{ results|result_cards }}"

LONG = " ".join(f"ord{n}" for n in range(40)) + "\nmed linjeskift & <tegn>"
DAYS = [
    Day(periods=[(time(8), time(15, 30)), (time(18), time(20))]),
    Day(holiday="Første juledag <&>"),
    Day(),
    Day(exception=Schedule(description="Stengt for kurs", description_en="Closed <for> a course")),
    Day(
        periods=[(time(10), time(12))],
        exception=Schedule(description="Kort dag", description_en=""),
    ),
]


def results() -> list[Result]:
    organizations = [
        Organization(name="Fjordvik kommune", name_en="Fjordvik municipality"),
        Organization(name='Helse & "omsorg" <b>', name_en=""),
    ]
    cards = []
    flags = itertools.product([False, True], repeat=4)
    for n, (drop_in, free, anonymous, referral) in enumerate(flags):
        service = Service(
            name=["Helsestasjon for ungdom", "<script>x</script> & 'Rus'", "Å"][n % 3],
            name_en=["Youth health clinic", "", "A & B"][n % 3],
            description=[LONG, "", "Kort.", " ".join(["ord"] * 30)][n % 4],
            description_en=["", "Short <b>text</b>.", LONG][n % 3],
            organization=organizations[n % 2],
            drop_in=drop_in,
            free=free,
            anonymous=anonymous,
            referral_required=referral,
        )
        url = f"/services/{n}/?a=1&b=<{n}>"
        cards.append(Result(service, DAYS[n % len(DAYS)], n % 3 == 0, url))
    return cards


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_cards_are_the_template_loops_bytes(language):
    cards = results()
    engine = engines["django"]
    with translation.override(language):
        expected = engine.from_string(TEMPLATE_LOOP).render({"results": cards})
        written = engine.from_string(PYTHON).render({"results": cards})
    assert written == expected
    assert written.count('<li class="card service-card">') == 16
    assert engine.from_string(PYTHON).render({"results": []}) == "\n  "
