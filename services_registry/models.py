"""The municipal service catalogue, shaped after Open Referral HSDS 3 (entity and field names
follow the specification where it has them). Identifiers are HSDS-style UUIDs so that imports
from other directories keep their ids.

Text is in bokmål; a field with an English version has a sibling `<field>_en` (empty when none
was given). `Translatable.localized(field)` picks the one for the active language.

Our own fields (drop-in, anonymous, level, ...) sit next to the HSDS ones; the HSDS export puts
them in each service's `sammen` object (docs/architecture.md §7).
"""

import uuid
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

# Columns the search service derives from other rows; history would only repeat them.
SEARCH_COLUMNS = ["search_vector", "search_words", "search_word_list"]


class Translatable(models.Model):
    class Meta:
        abstract = True

    def localized(self, field: str) -> str:
        """The English text when English is active and given, else the bokmål one."""
        if translation.get_language() == "en":
            english = getattr(self, f"{field}_en", "")
            if english:
                return str(english)
        return str(getattr(self, field))


def optional_owner(to: type[models.Model], related_name: str, label: Any) -> models.ForeignKey:
    """One of several possible owners of a row (HSDS lets a phone, schedule, contact or
    language belong to an organization, service, location or contact): nullable, and deleted
    with its owner."""
    return models.ForeignKey(
        to,
        on_delete=models.CASCADE,
        related_name=related_name,
        null=True,
        blank=True,
        verbose_name=label,
    )


class Organization(Translatable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(Translatable):
    class Status(models.TextChoices):
        # HSDS 3 service.status enum.
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        DEFUNCT = "defunct", _("defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")

    class Level(models.TextChoices):
        MUNICIPAL = "municipal", _("municipal")
        SPECIALIST = "specialist", _("specialist health service")
        STATE = "state", _("state")
        VOLUNTARY = "voluntary", _("voluntary")

    class Sector(models.TextChoices):
        HEALTH = "health", _("health")
        MENTAL_HEALTH = "mental_health", _("mental health")
        SCHOOL = "school", _("school and education")
        CHILD_WELFARE = "child_welfare", _("child welfare")
        NAV = "nav", _("work and welfare (NAV)")
        POLICE = "police", _("police and crime prevention")
        FAMILY = "family", _("family")
        LEISURE = "leisure", _("leisure and youth clubs")
        HELPLINE = "helpline", _("helpline")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.ACTIVE
    )
    email = models.EmailField(_("e-mail"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    # HSDS: "the steps needed to access the service"; shown as "what happens when I contact them".
    application_process = models.TextField(_("what happens when you get in touch"), blank=True)
    application_process_en = models.TextField(
        _("what happens when you get in touch (English)"), blank=True
    )
    eligibility_description = models.TextField(_("who can come"), blank=True)
    eligibility_description_en = models.TextField(_("who can come (English)"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    wait_time = models.CharField(_("typical waiting time"), max_length=255, blank=True)
    wait_time_en = models.CharField(_("typical waiting time (English)"), max_length=255, blank=True)
    fees_description = models.CharField(_("cost"), max_length=255, blank=True)
    fees_description_en = models.CharField(_("cost (English)"), max_length=255, blank=True)
    # HSDS assured_date: when the information was last checked.
    assured_date = models.DateField(_("last reviewed"), null=True, blank=True)
    level = models.CharField(
        _("level"), max_length=16, choices=Level.choices, default=Level.MUNICIPAL
    )
    sector = models.CharField(
        _("sector"), max_length=16, choices=Sector.choices, default=Sector.HEALTH
    )
    drop_in = models.BooleanField(_("low threshold / drop-in"), default=False)
    free = models.BooleanField(_("free of charge"), default=False)
    anonymous = models.BooleanField(_("can be used anonymously"), default=False)
    referral_required = models.BooleanField(_("referral required"), default=False)
    referral_description = models.TextField(_("who can refer and how"), blank=True)
    referral_description_en = models.TextField(_("who can refer and how (English)"), blank=True)
    open_on_public_holidays = models.BooleanField(_("open on public holidays"), default=False)

    search_vector = SearchVectorField(null=True, editable=False)
    # Name and topic words, the source of search_word_list.
    search_words = models.TextField(default="", editable=False)
    # The distinct words of search_words: the services holding the words a typo matched
    # (SearchWord) are read through its index.
    search_word_list = ArrayField(models.TextField(), default=list, editable=False)

    history = HistoricalRecords(excluded_fields=SEARCH_COLUMNS)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="service_search_vector_gin"),
            GinIndex(fields=["search_word_list"], name="service_search_word_list"),
            # The finder without words (by name, then id, and counted): the active services
            # in that order with the columns its filters test, read from the index alone
            # instead of every wide row (5,000 services: 46 buffers instead of 735).
            models.Index(
                fields=["name", "id"],
                include=["minimum_age", "maximum_age", "drop_in", "free", "anonymous"],
                condition=models.Q(status="active"),
                name="service_active_by_name",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SearchWord(models.Model):
    """A word of some service's `search_word_list`, where the finder looks up what a mistyped
    query word may be a typo of (selectors._typos_of_words). A trigger on the services table adds a
    service's words as it is written (migration 0005); a word no service holds any more stays,
    harmless: the search goes on to the services holding the words it matched."""

    word = models.TextField(primary_key=True)

    class Meta:
        # Without the pending list (fastupdate): new words are rare, and until a VACUUM cleans
        # the list the planner priced the index high and read every word through the primary
        # key (24.5 ms against 0.08 for "angts" over 5,212 words; migration 0006).
        indexes = [
            GinIndex(
                fields=["word"],
                name="searchword_word_trgm",
                opclasses=["gin_trgm_ops"],
                fastupdate=False,
            )
        ]

    def __str__(self) -> str:
        return self.word


class ServiceDueForReview(Service):
    """The admin list of services whose information nobody has checked for six months."""

    class Meta:
        proxy = True
        verbose_name = _("service not reviewed for 6 months")
        verbose_name_plural = _("services not reviewed for 6 months")


class Location(Translatable):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("physical")
        POSTAL = "postal", _("postal")
        VIRTUAL = "virtual", _("virtual")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="locations",
        verbose_name=_("organization"),
    )
    location_type = models.CharField(
        _("location type"), max_length=16, choices=LocationType.choices
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    transportation_en = models.TextField(_("how to get there (English)"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or str(self.id)

    def map_url(self) -> str:
        """A plain link to OpenStreetMap (no embedded third-party map on our pages)."""
        if self.latitude is not None and self.longitude is not None:
            return (
                f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
                f"#map=17/{self.latitude}/{self.longitude}"
            )
        address = next(iter(self.addresses.all()), None)
        if address is None or address.address_type != Location.LocationType.PHYSICAL:
            return ""
        return "https://www.openstreetmap.org/search?" + urlencode({"query": str(address)})


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("location")
    )
    attention = models.CharField(_("attention"), max_length=255, blank=True)
    address_1 = models.CharField(_("street address"), max_length=255)
    address_2 = models.CharField(_("address line 2"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=255)
    region = models.CharField(_("region"), max_length=255, blank=True)
    state_province = models.CharField(_("county"), max_length=255)
    postal_code = models.CharField(_("postal code"), max_length=16)
    country = models.CharField(_("country"), max_length=2, default="NO")
    address_type = models.CharField(
        _("address type"), max_length=16, choices=Location.LocationType.choices
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.address_1}, {self.postal_code} {self.city}"


class ServiceAtLocation(Translatable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="service_at_locations",
        verbose_name=_("service"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        related_name="service_at_locations",
        verbose_name=_("location"),
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_at_location_once")
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Schedule(Translatable):
    """Opening hours. A weekly row (freq WEEKLY, byday "MO,TU,...") gives the regular hours; a
    row without freq and with valid_from..valid_to is an exception for those dates: open at the
    given hours, or closed all day when opens_at is empty. Norwegian public holidays close a
    service unless it is open on public holidays or an exception opens it."""

    class Freq(models.TextChoices):
        WEEKLY = "WEEKLY", _("weekly")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = optional_owner(Service, "schedules", _("service"))
    location = optional_owner(Location, "schedules", _("location"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    freq = models.CharField(
        _("repeats"),
        max_length=8,
        choices=Freq.choices,
        blank=True,
        help_text=_("Empty for an exception on the dates from valid from to valid to."),
    )
    byday = models.CharField(
        _("days"), max_length=32, blank=True, help_text=_("For example MO,TU,WE,TH,FR")
    )
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["valid_from", "byday", "opens_at", "id"]
        indexes = [
            models.Index(fields=["service", "freq"], name="schedule_service_freq"),
            # The finder's "open now" asks this for every candidate service: answered from the
            # index alone instead of a bitmap scan of the schedule table each time.
            models.Index(
                fields=["service"],
                include=["byday", "opens_at", "closes_at", "valid_from", "valid_to"],
                condition=models.Q(freq="WEEKLY"),
                name="schedule_weekly_open",
            ),
            # "Open now" asks once a statement whether anything is open at all (opening.
            # open_at_q): the exceptions (rare) and the weekly rows by their hours.
            models.Index(
                fields=["service"], condition=models.Q(freq=""), name="schedule_exception"
            ),
            models.Index(
                fields=["opens_at", "closes_at"],
                include=["byday", "valid_from", "valid_to"],
                condition=models.Q(freq="WEEKLY"),
                name="schedule_weekly_hours",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False) | models.Q(location__isnull=False),
                name="schedule_has_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(opens_at__lt=models.F("closes_at")),
                name="schedule_opens_before_closing",
            ),
        ]

    def __str__(self) -> str:
        return self.description or f"{self.byday} {self.opens_at}-{self.closes_at}"

    @property
    def is_exception(self) -> bool:
        return not self.freq


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = optional_owner(Organization, "contacts", _("organization"))
    service = optional_owner(Service, "contacts", _("service"))
    name = models.CharField(_("name"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    department = models.CharField(_("department"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or self.title or str(self.id)


class Phone(Translatable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = optional_owner(Organization, "phones", _("organization"))
    service = optional_owner(Service, "phones", _("service"))
    location = optional_owner(Location, "phones", _("location"))
    contact = optional_owner(Contact, "phones", _("contact"))
    number = models.CharField(_("number"), max_length=32)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=16, blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.number


class Language(models.Model):
    """A language the service or location can be used in (ISO 639-1 code)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = optional_owner(Service, "languages", _("service"))
    location = optional_owner(Location, "languages", _("location"))
    name = models.CharField(_("name"), max_length=64, blank=True)
    code = models.CharField(_("code"), max_length=8, blank=True)
    # Context: without it this "note" (merknad) would stand in for an entry's kind (notat).
    note = models.CharField(pgettext_lazy("language", "note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.code


class Accessibility(Translatable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        related_name="accessibility",
        verbose_name=_("location"),
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.URLField(_("web page"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:60]


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"))
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=32, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(Translatable):
    """A topic ("angst", "rus", "skole") that services are tagged with through Attribute."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(
        Taxonomy, on_delete=models.PROTECT, related_name="terms", verbose_name=_("taxonomy")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("parent"),
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    description = models.TextField(_("description"))
    description_en = models.TextField(_("description (English)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="taxonomy_term_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """HSDS attribute linking a service to a taxonomy term (link_entity "service")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="attributes", verbose_name=_("service")
    )
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm,
        on_delete=models.PROTECT,
        related_name="attributes",
        verbose_name=_("topic"),
    )
    link_type = models.CharField(_("link type"), max_length=64, default="topic")
    value = models.CharField(_("value"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "taxonomy_term", "link_type"], name="attribute_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.taxonomy_term)


class ServiceStaff(models.Model):
    """Someone who works at a service. With `receives_referrals` they are its intake: referrals
    to the service reach them (issue #15). Public pages say only that a service takes referrals
    in Sammen, never who its staff are."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="staff", verbose_name=_("service")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="service_memberships",
        verbose_name=_("person"),
    )
    receives_referrals = models.BooleanField(_("receives referrals"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["service", "user"]
        constraints = [
            models.UniqueConstraint(fields=["service", "user"], name="service_staff_once")
        ]
        indexes = [
            models.Index(
                fields=["user", "service"],
                condition=models.Q(receives_referrals=True),
                name="service_staff_intake",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.service})"
