"""The bench tests reuse the reliability scenarios' tiny demo home (built once per run)."""

from tests.reliability.conftest import tiny_home  # noqa: F401 - the fixture, shared
