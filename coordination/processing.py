"""The record of processing activities (GDPR Art. 30), generated from the models and settings.

Every concrete model of the installation is either described here as personal data (`RECORDS`)
or named as holding none, with the reason (`NO_PERSONAL_DATA`). Models are named by their label
("app.Model"), so the platform describes the higher apps without importing them.
`undescribed_models()` lists what is missing or stale; tests/coordination/test_processing_record.py
fails on it, so a new model cannot reach production without a line in the record.
`manage.py processing_record` prints `processing_record_markdown()`.
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models

# Categories of people, named once.
YOUTH = "young people (mostly under 18)"
GUARDIANS = "guardians"
HELPERS = "helpers (municipal and state staff, the ungdomshjelper)"
STAFF = "administrators and catalogue editors"
SIGN_IN = "anyone who signs in or tries to"
CONTACTS = "contact people of the services in the catalogue"

CASE_RETENTION = "per entry category after the case closes (see Retention)"
CASE_RECIPIENTS = (
    "the young person; team members only through a disclosure (basis: standing rule, consent, "
    "the young person's own choice, the room the young person chose the members of, or legal "
    "duty); guardians within the consent policy"
)


@dataclass(frozen=True)
class Processing:
    purpose: str
    data: str
    people: tuple[str, ...]
    recipients: str
    retention: str


_CASE_SKELETON = Processing(
    purpose="coordinating help around one young person",
    data="who is on the case, in which role, for which service, since when",
    people=(YOUTH, GUARDIANS, HELPERS),
    recipients="the team of the case",
    retention="as long as the case; kept as the skeleton of who knew what after erasure",
)
_CASE_CONTENT = Processing(
    purpose="the case's notes, documents, plans, minutes and messages",
    data="free text and files about the young person, possibly health, child-welfare "
    "and police information (Art. 9 and 10)",
    people=(YOUTH, GUARDIANS, HELPERS),
    recipients=CASE_RECIPIENTS,
    retention=CASE_RETENTION,
)
_ACCESS_CONTROL = Processing(
    purpose="who may see which entry (the share path writes these with the disclosures)",
    data="account and entry ids, permission",
    people=(YOUTH, GUARDIANS, HELPERS),
    recipients="nobody; used by the portal to decide access",
    retention="as long as the disclosure it follows",
)
_CATALOGUE_HISTORY = Processing(
    purpose="the change history of the service catalogue",
    data="which editor changed what in the catalogue and when",
    people=(STAFF,),
    recipients="catalogue editors",
    retention="as long as the catalogue",
)
_SIGN_IN_SECURITY = Processing(
    purpose="protecting sign-in against guessing (lockout after failed attempts)",
    data="username tried, IP address, browser, time",
    people=(SIGN_IN,),
    recipients="administrators",
    retention="until the lockout period ends or administrators clear it",
)

RECORDS: dict[str, Processing] = {
    "coordination.User": Processing(
        purpose="the account: signing in, being named on a case, being told",
        data="name, username, birth date (age rules), e-mail, phone, language, "
        "notification channels, a short presentation",
        people=(YOUTH, GUARDIANS, HELPERS, STAFF),
        recipients="the teams of the person's cases see the name and presentation",
        retention="as long as the account; deactivated accounts are kept as authors of the record",
    ),
    "coordination.Notification": Processing(
        purpose="telling people that something happened (never what)",
        data="recipient, kind of event, case and entry id, when read",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the recipient; e-mail and SMS providers get the text and a link",
        retention="as long as the account",
    ),
    "coordination.Export": Processing(
        purpose="a person's copy of everything about them (GDPR Art. 15, coordination.exports)",
        data="who asked for a copy and when, its state, when it was downloaded; the zip file "
        "itself holds everything the person may see",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the person themself only, through a one-time link",
        retention="the file: until its link is used or expires "
        f"({settings.SAMMEN_EXPORT_TTL_DAYS} days); the row: as long as the account",
    ),
    "coordination.AuditEvent": Processing(
        purpose="accountability: a hash-chained log of every change of who may see what",
        data="actor, action, object ids, bases and categories (never case content)",
        people=(YOUTH, GUARDIANS, HELPERS, STAFF),
        recipients="administrators and the supervisory authority on request",
        retention="never erased (the chain must verify); holds no content",
    ),
    "coordination.Guardianship": Processing(
        purpose="who is a young person's guardian, which decides consent (consent policy)",
        data="the young person, the guardian, why it is registered or ended",
        people=(YOUTH, GUARDIANS),
        recipients="the young person and the guardian; staff who register it",
        retention="as long as the accounts",
    ),
    "coordination.Identity": Processing(
        purpose="signing in with ID-porten or the municipality's identity provider",
        data="a keyed hash of the national identity number or the provider's subject",
        people=(YOUTH, GUARDIANS, HELPERS, STAFF),
        recipients="nobody",
        retention="as long as the account",
    ),
    "sessions.Session": Processing(
        purpose="keeping a person signed in",
        data="account id, sign-in method, an encrypted ID token",
        people=(SIGN_IN,),
        recipients="nobody",
        retention="until sign-out, the browser closes or SESSION_COOKIE_AGE without a request",
    ),
    "knox.AuthToken": Processing(
        purpose="signing API clients in",
        data="account id, a digest of the token, when it expires",
        people=(YOUTH, GUARDIANS, HELPERS, STAFF),
        recipients="nobody",
        retention="until it expires (deleted hourly)",
    ),
    "admin.LogEntry": Processing(
        purpose="the admin site's own change log",
        data="which administrator changed which object",
        people=(STAFF,),
        recipients="administrators",
        retention="as long as the accounts",
    ),
    "axes.AccessAttempt": _SIGN_IN_SECURITY,
    "axes.AccessFailureLog": _SIGN_IN_SECURITY,
    "axes.AccessLog": _SIGN_IN_SECURITY,
    "axes.AccessAttemptExpiration": _SIGN_IN_SECURITY,
    "otp_totp.TOTPDevice": Processing(
        purpose="two-factor sign-in",
        data="the account's authenticator key",
        people=(HELPERS, STAFF),
        recipients="nobody",
        retention="until the person or an administrator resets it",
    ),
    "otp_static.StaticDevice": Processing(
        purpose="two-factor recovery codes",
        data="the account's recovery codes",
        people=(HELPERS, STAFF),
        recipients="nobody",
        retention="until used or reset",
    ),
    "otp_static.StaticToken": Processing(
        purpose="two-factor recovery codes",
        data="one recovery code",
        people=(HELPERS, STAFF),
        recipients="nobody",
        retention="until used or reset",
    ),
    "guardian.UserObjectPermission": _ACCESS_CONTROL,
    "services_registry.Contact": Processing(
        purpose="the public service catalogue",
        data="name, title, department and work e-mail of a service's contact person",
        people=(CONTACTS,),
        recipients="the public",
        retention="as long as the person is the contact",
    ),
    "services_registry.Phone": Processing(
        purpose="the public service catalogue",
        data="work phone numbers, possibly of a contact person",
        people=(CONTACTS,),
        recipients="the public",
        retention="as long as the number is listed",
    ),
    "cases.Case": Processing(
        purpose="coordinating help around one young person",
        data="the young person, a title, when opened and closed, the closing summary",
        people=(YOUTH, HELPERS),
        recipients="the team of the case",
        retention=CASE_RETENTION,
    ),
    "cases.Participant": _CASE_SKELETON,
    "cases.Invitation": Processing(
        purpose="inviting a person to a case",
        data="who was invited by whom, in which role, a hash of the one-time link",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the team of the case",
        retention="as long as the case",
    ),
    "cases.ServiceActedFor": Processing(
        purpose="which service a helper acts for",
        data="the helper and the service",
        people=(HELPERS,),
        recipients="the helper",
        retention="as long as the account",
    ),
    "cases.Entry": _CASE_CONTENT,
    "cases.Attachment": _CASE_CONTENT,
    "cases.EntryUserObjectPermission": _ACCESS_CONTROL,
    "cases.AccessEvent": Processing(
        purpose="who opened which entry when (the young person's access log)",
        data="the person, the entry, when, how",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the young person; guardians who decide, for their categories",
        retention="as long as the case's skeleton",
    ),
    "cases.Withholding": Processing(
        purpose="keeping an entry from the young person where the law allows it",
        data="the entry, the legal reason, who decided",
        people=(YOUTH, HELPERS),
        recipients="the helpers who see the entry; the young person sees that it exists",
        retention="as long as the entry",
    ),
    "consent.SharingRule": Processing(
        purpose="the young person's standing rules for who may see which category",
        data="case, category, recipient person, service or role, who made and ended it, "
        "whether it shares new entries by itself",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the team of the case",
        retention="as long as the case's skeleton",
    ),
    "consent.ConsentRequest": Processing(
        purpose="asking the young person or guardian for consent to share",
        data="the entry, the recipients, the decision, the young person's opinion",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the deciders and the helper who asked",
        retention="as long as the case's skeleton",
    ),
    "consent.Disclosure": Processing(
        purpose="who knows what: every period in which someone could see an entry, and why",
        data="the entry, the recipient, the basis, the justification, from and until",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the young person; the team for what concerns them",
        retention="as long as the case's skeleton (who-knows-what outlives the content)",
    ),
    "consent.Watch": Processing(
        purpose="telling the young person when someone else opens what they chose to watch",
        data="the case, the young person, an entry or a category, since when",
        people=(YOUTH,),
        recipients="the young person",
        retention="as long as the case's skeleton",
    ),
    "consent.OpenAlert": Processing(
        purpose="at most one alert an hour per opener and entry for a watched entry",
        data="the young person, the entry, who opened it, when they were last told",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="nobody; used by the portal to space the alerts",
        retention="as long as the case's skeleton",
    ),
    "consent.Room": Processing(
        purpose="a conversation the young person opens for people on the team they choose",
        data="the case, the room's name (the young person's words), when opened and closed",
        people=(YOUTH,),
        recipients="the young person and the people in the room",
        retention="as long as the case's skeleton",
    ),
    "consent.RoomMember": Processing(
        purpose="who the young person chose to be in a room: their consent for that room",
        data="the room, the person, from and until",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the young person and the people in the room",
        retention="as long as the case's skeleton (who-knows-what shows the basis)",
    ),
    "consent.RoomMessage": Processing(
        purpose="which message (an entry) belongs to which room",
        data="the room and the entry",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the young person and the people in the room",
        retention=CASE_RETENTION,
    ),
    "voice.RoomRead": Processing(
        purpose="how far a person has read a room (unread counts)",
        data="the person, the room, when",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="nobody",
        retention="as long as the case",
    ),
    "consent.ReadingFirst": Processing(
        purpose="the young person's choice to read new entries before they are shared under "
        "their standing rules",
        data="the case, since when",
        people=(YOUTH,),
        recipients="the young person",
        retention="as long as the case's skeleton",
    ),
    "consent.HeldShare": Processing(
        purpose="shares under standing rules that wait until the young person has read the "
        "entry, and how each wait ended",
        data="the entry, the recipient, the rule, who shared, when it waited and why it ended",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the young person; the helper who shared it, for their own shares",
        retention="as long as the case's skeleton",
    ),
    "consent.Block": Processing(
        purpose="the young person's block: a person who receives nothing from the case",
        data="case, the blocked person, the reason they may write, who set and removed it, when",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the young person and the consent authority; never the blocked person",
        retention="as long as the case's skeleton",
    ),
    "voice.MessageRead": Processing(
        purpose="which messages a person has read",
        data="the person, the case, when",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="nobody",
        retention="as long as the case",
    ),
    "voice.Feedback": Processing(
        purpose="feedback about a service, anonymous unless signed",
        data="rating, text, week, the author when they sign",
        people=(YOUTH, GUARDIANS),
        recipients="the service, without the author unless signed",
        retention="as long as the catalogue",
    ),
    "voice.Remark": Processing(
        purpose="the young person's comments and requests for correction (Art. 16)",
        data="the entry, the comment, the proposed text, the answer",
        people=(YOUTH, HELPERS),
        recipients="the entry's author and those who see the entry",
        retention=CASE_RETENTION,
    ),
    "voice.EntryVersion": _CASE_CONTENT,
    "voice.Visit": Processing(
        purpose="showing what is new since the last visit",
        data="the person, the case, when",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="nobody",
        retention="as long as the case",
    ),
    "voice.Goal": _CASE_CONTENT,
    "voice.Step": _CASE_CONTENT,
    # The young person's comments on steps and their "did it help?" on goals: part of the plan.
    "voice.StepComment": _CASE_CONTENT,
    "voice.GoalEvaluation": _CASE_CONTENT,
    # Which step's owner was reminded (once per rule), no content.
    "voice.StepReminder": _CASE_SKELETON,
    # When the ungdomshjelper gets in touch, and whether they did: no content.
    "voice.CheckInRhythm": _CASE_SKELETON,
    "voice.CheckIn": _CASE_SKELETON,
    "voice.UngdomshjelperChange": Processing(
        purpose="the young person's choice and change of ungdomshjelper",
        data="who was chosen, who was replaced, the reason given",
        people=(YOUTH, HELPERS),
        recipients="the young person and the ungdomshjelpere concerned",
        retention="as long as the case's skeleton",
    ),
    "meetings.Meeting": _CASE_SKELETON,
    "meetings.Attendance": _CASE_SKELETON,
    "meetings.AgendaItem": _CASE_CONTENT,
    # The young person's wish about their guardians coming, and the decision with its reason.
    "meetings.GuardiansQuestion": _CASE_CONTENT,
    "meetings.Minutes": _CASE_SKELETON,
    "meetings.MinutesVersion": _CASE_CONTENT,
    "meetings.MinutesComment": _CASE_CONTENT,
    "meetings.ActionItem": _CASE_CONTENT,
    "meetings.ActionItemReminder": _CASE_SKELETON,
    "meetings.Evaluation": Processing(
        purpose="the young person's evaluation of a meeting, anonymous unless signed",
        data="answers, comment, week, the respondent when they sign",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="the organiser, without the respondent unless signed",
        retention="as long as the case",
    ),
    "meetings.EvaluationReceipt": _CASE_SKELETON,
    # Which held meeting's youth was reminded to evaluate it (once), no answers.
    "meetings.EvaluationReminder": _CASE_SKELETON,
    "services_registry.ServiceStaff": Processing(
        purpose="who at a catalogue service takes its referrals in Sammen",
        data="the person, the service, whether they receive referrals",
        people=(HELPERS,),
        recipients="catalogue editors; the public service page says only that it takes referrals",
        retention="as long as the person works there (removed by catalogue editors)",
    ),
    "referrals.Referral": Processing(
        purpose="referring the young person to a catalogue service, and the service's answer",
        data="the case, the service, the purpose, the payload's entries, the legal duty if any, "
        "who referred, who answered and why not, who joined, when",
        people=(YOUTH, HELPERS),
        recipients="the young person, the referrer and the ungdomshjelper; the service's intake "
        "once it is sent (the payload only through disclosures)",
        retention="as long as the case's skeleton",
    ),
    "meetings.CalendarFeed": Processing(
        purpose="a private calendar feed of one's meetings",
        data="the person, a secret token",
        people=(YOUTH, GUARDIANS, HELPERS),
        recipients="whoever holds the feed's address",
        retention="as long as the account",
    ),
}

_CATALOGUE = "the public service catalogue (organisations, services, places), no person in it"
NO_PERSONAL_DATA: dict[str, str] = {
    "auth.Permission": "names of permissions",
    "auth.Group": "names of groups (membership is on the user)",
    "contenttypes.ContentType": "names of models",
    "guardian.GroupObjectPermission": "permissions of groups, no person",
    "cases.EntryGroupObjectPermission": "permissions of groups, no person",
    "services_registry.Organization": _CATALOGUE,
    "services_registry.Service": _CATALOGUE,
    "services_registry.Location": _CATALOGUE,
    "services_registry.Address": _CATALOGUE,
    "services_registry.ServiceAtLocation": _CATALOGUE,
    "services_registry.Schedule": _CATALOGUE,
    "services_registry.Language": _CATALOGUE,
    "services_registry.Accessibility": _CATALOGUE,
    "services_registry.Taxonomy": _CATALOGUE,
    "services_registry.TaxonomyTerm": _CATALOGUE,
    "services_registry.Attribute": _CATALOGUE,
    "services_registry.SearchWord": "the words of the catalogue's service names and topics (the "
    "finder's typo search)",
}


def _described(label: str) -> bool:
    if label in RECORDS or label in NO_PERSONAL_DATA:
        return True
    # simple_history's copies carry the editor: the catalogue's change history.
    model = apps.get_model(label)
    return hasattr(model, "instance_type") and label.split(".")[0] == "services_registry"


def _labels() -> list[str]:
    return [m._meta.label for m in apps.get_models() if not m._meta.proxy and not m._meta.abstract]


def undescribed_models() -> list[str]:
    """Models the record does not describe, and descriptions of models that no longer exist."""
    labels = _labels()
    missing = [label for label in labels if not _described(label)]
    stale = sorted((set(RECORDS) | set(NO_PERSONAL_DATA)) - set(labels))
    return missing + stale


def _record_rows() -> list[tuple[str, Processing]]:
    rows = []
    for label in _labels():
        if label in RECORDS:
            rows.append((label, RECORDS[label]))
        elif label not in NO_PERSONAL_DATA and _described(label):
            rows.append((label, _CATALOGUE_HISTORY))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _retention_lines() -> list[str]:
    lines = []
    for value, label in _choices("cases.Entry", "category"):
        years = settings.SAMMEN_RETENTION_YEARS.get(value)
        kept = "kept and transferred to the archive" if years is None else f"{years} years"
        lines.append(f"- {label} (`{value}`): {kept}")
    return lines


def _choices(label: str, field: str) -> list[tuple[str, str]]:
    model_field = apps.get_model(label)._meta.get_field(field)
    assert isinstance(model_field, models.Field)
    return [(str(value), str(name)) for value, name in model_field.flatchoices]


def _where_lines() -> list[str]:
    db = settings.DATABASES["default"]
    providers = ", ".join(p["issuer"] for p in settings.SAMMEN_OIDC_PROVIDERS.values()) or "none"
    return [
        f"- Database: PostgreSQL `{db.get('NAME', '')}` on `{db.get('HOST') or 'localhost'}`",
        f"- Files (attachments): `{settings.MEDIA_ROOT}`",
        "- Redis: task queue (ids only) and rate-limit counters (account id, IP address)",
        f"- E-mail (sub-processor): `{settings.EMAIL_BACKEND}`"
        + (f" via `{settings.EMAIL_HOST}`" if getattr(settings, "EMAIL_HOST", "") else ""),
        f"- SMS (sub-processor): `{settings.SAMMEN_SMS_BACKEND}`",
        f"- Identity providers: {providers}",
    ]


def processing_record_markdown() -> str:
    """The Art. 30 record as Markdown, from the models and the settings of this installation."""
    rows = _record_rows()
    people = sorted({p for _, record in rows for p in record.people})
    out = [
        "# Record of processing activities (GDPR Art. 30)",
        "",
        "Generated by `manage.py processing_record` from the models and settings of Sammen.",
        "",
        f"Controller: {settings.SAMMEN_CONTROLLER_NAME}. "
        f"Privacy contact (data protection officer): {settings.SAMMEN_PRIVACY_CONTACT_EMAIL}.",
        "",
        "## Purpose",
        "",
        "Coordinating help from several services around one young person, with the young "
        "person in control of who knows what (GDPR Art. 6(1)(c) and (e), Art. 9(2)(h), "
        "consent where the law asks for it).",
        "",
        "## Categories of people",
        "",
        *[f"- {p}" for p in people],
        "",
        "## Categories of data, people, recipients and retention",
        "",
        "| Model | Purpose | Data | People | Recipients (role and basis) | Retention |",
        "|---|---|---|---|---|---|",
    ]
    for label, r in rows:
        cells = [label, r.purpose, r.data, "; ".join(r.people), r.recipients, r.retention]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    out += [
        "",
        "## Recipients of case content",
        "",
        "Roles on a case: "
        + ", ".join(name for _, name in _choices("cases.Participant", "role"))
        + ". A person other than the young person sees an entry only through a disclosure, "
        "on one of these bases (each period is kept in who-knows-what):",
        "",
        *[f"- {name} (`{value}`)" for value, name in _choices("consent.Disclosure", "basis")],
        "",
        "## Retention of case content per category (settings.SAMMEN_RETENTION_YEARS)",
        "",
        "Counted from the day the case closes; a legal hold on a case stops erasure. Erasure "
        "replaces titles and texts and deletes files; who could see what, and when, stays.",
        "",
        *_retention_lines(),
        "",
        "## Where the data lives and sub-processors",
        "",
        *_where_lines(),
        "",
        "## Models without personal data",
        "",
        *[f"- {label}: {why}" for label, why in sorted(NO_PERSONAL_DATA.items())],
        "",
    ]
    return "\n".join(out)
