"""Links by name: each app's links.py reverses its own URL names only, and every page keeps
the path it had (e2e tests and bookmarks use them)."""

import ast
from pathlib import Path

import pytest
from django.urls import resolve

from cases import links as cases_links
from consent import links as consent_links
from meetings import links as meetings_links
from referrals import links as referrals_links
from tests.factories import CaseFactory, EntryFactory, MeetingFactory
from voice import links as voice_links

ROOT = Path(__file__).resolve().parents[2]
# What each app may not import (docs/architecture.md §1: imports flow one way; voice and
# meetings do not import each other).
HIGHER = {
    "cases": {"consent", "voice", "meetings", "referrals"},
    "consent": {"voice", "meetings", "referrals"},
    "voice": {"meetings", "referrals"},
    "meetings": {"voice", "referrals"},
    "referrals": {"voice", "meetings"},
}


@pytest.mark.django_db
def test_every_link_keeps_its_path_and_reaches_its_own_apps_page():
    entry = EntryFactory()
    case, meeting = entry.case, MeetingFactory(case=entry.case)
    c, e, m = case.pk, entry.pk, meeting.pk
    expected = {
        cases_links.case(case): (f"/cases/{c}/", "cases:detail"),
        consent_links.entry(entry): (f"/cases/{c}/entries/{e}/", "consent:entry"),
        consent_links.who_knows_what(case): (
            f"/cases/{c}/who-knows-what/",
            "consent:who-knows-what",
        ),
        voice_links.messages(case): (f"/cases/{c}/messages/", "voice:messages"),
        voice_links.remarks(entry): (f"/cases/{c}/entries/{e}/remarks/", "voice:remarks"),
        voice_links.plan(c): (f"/cases/{c}/plan/", "voice:plan"),
        voice_links.overview(): ("/ungdomshjelper/", "voice:overview"),
        meetings_links.meeting(meeting): (f"/meetings/{m}/", "meetings:detail"),
        meetings_links.minutes(meeting): (f"/meetings/{m}/minutes/", "meetings:minutes"),
        meetings_links.action_items(): ("/meetings/tasks/", "meetings:tasks"),
        referrals_links.referral(7): ("/referrals/7/", "referrals:detail"),
        referrals_links.inbox(): ("/referrals/inbox/", "referrals:inbox"),
        referrals_links.refer(c): (f"/cases/{c}/referrals/new/", "referrals:create"),
        referrals_links.case_referrals(c): (f"/cases/{c}/referrals/", "referrals:case"),
    }
    for link, (path, name) in expected.items():
        assert (link, resolve(link).view_name) == (path, name)


@pytest.mark.django_db
def test_the_case_pages_of_each_app_keep_their_paths():
    case = CaseFactory()
    c = case.pk
    for path, name in [
        (f"/cases/{c}/", "cases:detail"),
        (f"/cases/{c}/entries/5/withhold/", "cases:withhold"),
        (f"/cases/{c}/entries/5/share/", "consent:entry-share"),
        (f"/cases/{c}/sharing-rules/", "voice:rules"),
        (f"/cases/{c}/ungdomshjelper/", "voice:ungdomshjelper"),
        ("/cases/withheld/", "cases:withheld"),
        ("/sharing-rules/3/remove/", "voice:rule-remove"),
        ("/consent/requests/4/", "consent:request"),
    ]:
        assert resolve(path).view_name == name


@pytest.mark.parametrize("app", ["cases", "consent", "voice", "meetings", "referrals"])
def test_links_reverse_their_own_names_and_import_no_higher_app(app):
    tree = ast.parse((ROOT / app / "links.py").read_text())
    names = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "reverse"
        and isinstance(node.args[0], ast.Constant)
    ]
    # cases also owns the root pages of an invitation (cases/invite_urls.py, `invitations:`).
    own = (f"{app}:", "invitations:") if app == "cases" else (f"{app}:",)
    assert names and all(name.startswith(own) for name in names)
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)]
    imported = {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not imported & HIGHER[app]
