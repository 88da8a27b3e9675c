"""Services, selectors and the rule modules know nothing of HTTP: they raise domain errors
(coordination.errors, Django's exceptions) and the API and the pages translate them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "cases", "consent", "coordination", "meetings", "referrals", "services_registry", "voice",
]  # fmt: skip


def _domain_modules() -> list[Path]:
    paths: set[Path] = set()
    for app in APPS:
        for pattern in ("services.py", "services/*.py", "selectors.py", "policy.py", "plan.py"):
            paths.update((ROOT / app).glob(pattern))
    return sorted(paths)


def _imported(path: Path) -> set[str]:
    package = ".".join(path.relative_to(ROOT).parent.parts)
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_the_rule_sees_the_modules():
    found = {path.relative_to(ROOT).as_posix() for path in _domain_modules()}
    assert {"consent/services/share.py", "meetings/services/minutes.py", "voice/plan.py"} <= found


@pytest.mark.parametrize(
    "path", _domain_modules(), ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_no_http_in_domain_modules(path):
    http = {
        name
        for name in _imported(path)
        if name == "rest_framework"
        or name.startswith("rest_framework.")
        or name == "coordination.rest"
        or name.startswith("coordination.rest.")
    }
    assert not http


# The direction of imports (docs/architecture.md §1): coordination <- services_registry <- cases
# <- consent <- meetings | voice | referrals; the three on top never import each other.
LOWER = {
    "coordination": set(),
    "services_registry": {"coordination"},
    "cases": {"coordination", "services_registry"},
    "consent": {"coordination", "services_registry", "cases"},
    "meetings": {"coordination", "services_registry", "cases", "consent"},
    "voice": {"coordination", "services_registry", "cases", "consent"},
    "referrals": {"coordination", "services_registry", "cases", "consent"},
}


@pytest.mark.parametrize("app", ["referrals"])
def test_an_app_imports_only_itself_and_the_layers_below(app):
    apps = set(LOWER)
    found = {
        name.split(".")[0]
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for name in _imported(path)
    } & apps
    assert found - {app} <= LOWER[app]
