"""The axe-core check the browser tests use (conftest.serious_violations) finds what
axe_playwright_python's own Axe.run finds, with the same serious/critical filter. No database:
the pages are set in the browser."""

from axe_playwright_python.sync_playwright import Axe

from .conftest import serious_violations

CLEAN = """<!doctype html><html lang="en"><head><title>Clean</title></head>
<body><main><h1>Clean</h1><p>Nothing wrong here.</p></main></body></html>"""
# Serious and critical findings (an image without a text alternative, a button and a link without
# a name, a field without a label, faint text, a list holding a non-item, a misspelt role) beside
# findings of rules that can only be minor or moderate, which the check does not run (a heading
# level skipped, an empty heading, a second main landmark, text outside every landmark).
BROKEN = """<!doctype html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1><img src="x.png"><button></button><a href="#x"></a>
<input type="text"><h5>Skipped levels</h5><h2></h2><p style="color: #bbb">Faint</p>
<ul><div>Not an item</div></ul><div role="buton">Misspelt</div></main>
<main><p>A second main</p></main><p>Outside every landmark</p></body></html>"""


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
        "aria-roles",
        "button-name",
        "color-contrast",
        "image-alt",
        "label",
        "link-name",
        "list",
    ]


def test_every_new_document_of_a_context_is_checked(page, axe):
    page.set_content(CLEAN)
    assert serious_violations(axe, page) == axe_playwright_python_serious(page) == []
    page.set_content(BROKEN)
    assert len(serious_violations(axe, page)) == 7
    page.set_content(CLEAN)
    assert serious_violations(axe, page) == []
