from tests.reliability.conftest import tiny_home  # noqa: F401 - the fixture, shared
