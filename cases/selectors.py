"""Reads for cases. Every `access_*` fetches and authorises in one step: what the caller may not
see raises Http404, exactly like what does not exist."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from guardian.shortcuts import get_objects_for_user

from coordination.models import User

from .models import Attachment, Case, Entry, Participant, Withholding
from .permissions import VIEW_ENTRY


def _active_participations(user: User) -> QuerySet[Participant]:
    return Participant.objects.filter(user=user, left__isnull=True)


def cases_for_user(*, user: User) -> QuerySet[Case]:
    """The cases `user` takes part in now (one indexed EXISTS, no DISTINCT)."""
    return (
        Case.objects.filter(
            Exists(_active_participations(user).filter(case=OuterRef("pk"))),
        )
        .select_related("youth")
        .order_by("-created", "-id")
    )


def access_case(*, user: User, case_id: int) -> Case:
    try:
        return cases_for_user(user=user).get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404 from None


def access_case_team(*, user: User, case_id: int) -> Case:
    """A case whose team `user` may look at to change it: people on the case (the service then
    checks who may change it), and case admins (`cases.manage_case_team`) on any case."""
    if user.has_perm("cases.manage_case_team"):
        return get_object_or_404(Case.objects.select_related("youth"), pk=case_id)
    return access_case(user=user, case_id=case_id)


def participant_active(*, case: Case, user: User) -> Participant | None:
    return (
        Participant.objects.filter(case=case, user=user, left__isnull=True)
        .select_related("service")
        .first()
    )


def participants_for_case(*, case: Case) -> QuerySet[Participant]:
    """The team now and before: people who left stay listed with `left` set."""
    return (
        Participant.objects.filter(case=case)
        .select_related("user", "service")
        .order_by("left", "joined", "id")
    )


def entries_visible(*, user: User, queryset: QuerySet[Entry] | None = None) -> QuerySet[Entry]:
    """`queryset` (all entries by default) narrowed in SQL to what `user` may open.

    Only object permissions count: not global ones, not groups, not being a superuser.
    """
    return get_objects_for_user(
        user,
        VIEW_ENTRY,
        klass=queryset if queryset is not None else Entry.objects.all(),
        use_groups=False,
        with_superuser=False,
        accept_global_perms=False,
    )


def entry_may_open(*, user: User, entry_id: int) -> bool:
    return entries_visible(user=user, queryset=Entry.objects.filter(pk=entry_id)).exists()


def entries_for_case(*, user: User, case: Case) -> QuerySet[Entry]:
    return entries_visible(
        user=user, queryset=Entry.objects.filter(case=case).select_related("author")
    ).order_by("-created", "-id")


def access_entry(*, user: User, entry_id: int) -> Entry:
    try:
        return entries_visible(
            user=user,
            queryset=Entry.objects.filter(pk=entry_id).select_related("author", "case__youth"),
        ).get()
    except Entry.DoesNotExist:
        raise Http404 from None


def attachments_for_entry(*, entry: Entry) -> QuerySet[Attachment]:
    """Callers pass an entry they obtained through access_entry."""
    return Attachment.objects.filter(entry=entry).order_by("created", "id")


def access_attachment(*, user: User, attachment_id: int) -> Attachment:
    try:
        attachment = Attachment.objects.select_related("entry").get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404 from None
    access_entry(user=user, entry_id=attachment.entry_id)
    return attachment


def withholdings_active(*, case: Case) -> QuerySet[Withholding]:
    """What is kept from the young person on `case` now: for the youth's placeholders (reason,
    who decided, when, the category; never the title or the text)."""
    return (
        Withholding.objects.filter(entry__case=case, ended_at__isnull=True)
        .select_related("decided_by", "entry")
        .order_by("-decided_at", "-id")
    )


def withholdings_for_review() -> QuerySet[Withholding]:
    """Every active withholding, for case admins (`cases.manage_case_team`) to review. Callers
    check the permission."""
    return (
        Withholding.objects.filter(ended_at__isnull=True)
        .select_related("decided_by", "entry__case__youth")
        .order_by("decided_at", "id")
    )


def access_withholding(*, user: User, withholding_id: int) -> Withholding:
    """The person who decided and case admins see a withholding; anyone else gets 404."""
    try:
        withholding = Withholding.objects.select_related("entry", "decided_by").get(
            pk=withholding_id
        )
    except Withholding.DoesNotExist:
        raise Http404 from None
    if user.pk == withholding.decided_by_id or user.has_perm("cases.manage_case_team"):
        return withholding
    raise Http404
