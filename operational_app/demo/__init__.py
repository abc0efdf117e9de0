"""The deterministic demo business (docs/demo-generator.md): `generate(url, scale, seed, until)`.

Everything is written through the domain layer, as the demo users; see docs/demo-generator.md.
"""

from operational_app.demo.generator import generate
from operational_app.demo.params import DEMO_PASSWORDS, SCALES

__all__ = ["DEMO_PASSWORDS", "SCALES", "generate"]
