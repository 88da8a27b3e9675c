from tests.cases.conftest import demo  # noqa: F401
