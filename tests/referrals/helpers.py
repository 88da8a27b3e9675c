from services_registry.apps import DEMO_INTAKE

BUP, NAV, CLINIC = (service_id for _username, service_id in DEMO_INTAKE)


def refer(client, case, *, service=BUP, purpose="Vurdering av angst", entries=(), **extra):
    return client.post(
        f"/api/v1/cases/{case.pk}/referrals/",
        {"service": service, "purpose": purpose, "entries": list(entries), **extra},
        format="json",
    )
