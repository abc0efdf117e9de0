"""XSD validation against the SAT's schemas shipped with satcfdi: CFDI 4.0 with the
TimbreFiscalDigital 1.1 and Pagos 2.0 complements, compiled once per process.

An unsigned CFDI leaves `NoCertificado` empty for the company's signing to fill, which the
schema (20 digits) cannot accept: `validate(..., unsigned=True)` checks every other rule by
putting a placeholder there, in a copy, before validating (docs/cfdi.md).
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

from lxml import etree

CFDI40_NS = "http://www.sat.gob.mx/cfd/4"
PLACEHOLDER_CERTIFICATE = "0" * 20


def _schemas_root() -> Path:
    import satcfdi.transform

    return Path(satcfdi.transform.__file__).parent / "schemas" / "www.sat.gob.mx" / \
        "sitio_internet" / "cfd"


@cache
def _schema() -> etree.XMLSchema:
    root = _schemas_root()
    parts = {
        CFDI40_NS: root / "4" / "cfdv40.xsd",
        "http://www.sat.gob.mx/TimbreFiscalDigital":
            root / "TimbreFiscalDigital" / "TimbreFiscalDigitalv11.xsd",
        "http://www.sat.gob.mx/Pagos20": root / "Pagos" / "Pagos20.xsd",
    }
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>'
                      for ns, path in parts.items())
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser=parser,
                                            base_url=str(root / "wrapper.xsd")))


def validate(tree: etree._Element, *, unsigned: bool = False) -> list[str]:
    """The schema's complaints about a CFDI 4.0 tree (empty when valid), each with its line.
    Lax `xs:any` in Complemento is checked strictly for the complements above."""
    if unsigned and tree.get("NoCertificado") == "":
        tree = copy.deepcopy(tree)
        tree.set("NoCertificado", PLACEHOLDER_CERTIFICATE)
    schema = _schema()
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
