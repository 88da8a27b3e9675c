"""The axe-core check the browser tests use (conftest.serious_violations) finds what
axe_playwright_python's own Axe.run finds, with the same serious/critical filter. No database:
the pages are set in the browser."""

from axe_playwright_python.sync_playwright import Axe

from .conftest import serious_violations

CLEAN = """<!doctype html><html lang="en"><head><title>Clean</title></head>
<body><main><h1>Clean</h1><p>Nothing wrong here.</p></main></body></html>"""
# Serious and critical findings (an image without a text alternative, a button and a link without
# a name, a field without a label) beside a moderate one (a heading level skipped).
BROKEN = """<!doctype html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1><img src="x.png"><button></button><a href="#x"></a>
<input type="text"><h5>Skipped levels</h5></main></body></html>"""


def axe_playwright_python_serious(page) -> list[str]:
    """The check as the browser tests made it before, through the library."""
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_a_broken_page_gives_the_same_findings_as_the_library(page, axe):
    page.set_content(BROKEN)

    found = serious_violations(axe, page)

    assert found == axe_playwright_python_serious(page)
    assert [finding.split(":")[0] for finding in found] == [
        "button-name",
        "image-alt",
        "label",
        "link-name",
    ]


def test_every_new_document_of_a_context_is_checked(page, axe):
    page.set_content(CLEAN)
    assert serious_violations(axe, page) == axe_playwright_python_serious(page) == []
    page.set_content(BROKEN)
    assert len(serious_violations(axe, page)) == 4
    page.set_content(CLEAN)
    assert serious_violations(axe, page) == []
