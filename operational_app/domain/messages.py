"""The messages users see, in their language (docs/conventions.md "Messages").

Code writes every message as an English template with named params
(`v.fail("mono_counter", "{value} is lower than …", value=600000, …)`); this module owns the
Spanish text of each template, keyed by the English template, and renders either.

- `render(template, params)` (no language) is the English text exactly as it always read,
  params as they are: the `reason` tests, logs and the English CLI show.
- `render(template, params, lang)` is the text for a user in `lang` ("es"/"en"): a param named
  `field` or ending in `_field` holds a domain field name and shows as that field's form label
  (operational_app/domain/labels.py), one ending in `_fields` a list of them ("a + b"); a param named `what` or ending in `_what` is a noun
  phrase of the code ("the install date", "device") shown through `TERMS`; a param in
  `OPTION_PARAMS` (or ending in `_option`) holds a fixed choice's value, shown by the option's
  label; a `Msg` param is a message quoted inside another and renders in the same language.
"""

from __future__ import annotations

import string
from typing import Any

from operational_app.domain.labels import field_label

LANGS = ("es", "en")
FIELD_PARAMS = frozenset({"field"})
TERM_PARAMS = frozenset({"what"})
# Params holding one of a fixed list's values (a stage, a step, a status…), shown by the
# option's label where the app has one ("legal_review" → "Revisión legal").
OPTION_PARAMS = frozenset({"stage", "to", "status", "step", "milestone", "type",
                           "review_status", "role"})
# The options' labels by value; the app's pages declare them ("opt_<value>" strings,
# seiton/webapp/i18n.py `register`), so outside the app a value shows as it is.
OPTION_LABELS: dict[str, dict[str, str]] = {}


class Msg:
    """A message quoted as a param of another (or a plain text when `template` is None)."""

    def __init__(self, template: str | None, params: dict[str, Any] | None = None, *,
                 text: str = ""):
        self.template = template
        self.params = dict(params or {})
        self._text = text

    def render(self, lang: str | None = None) -> str:
        if self.template is None:
            return self._text
        return render(self.template, self.params, lang)

    def __str__(self) -> str:
        return self.render()

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Msg({self.template!r}, {self.params!r})"


def msg(template: str, **params: Any) -> Msg:
    return Msg(template, params)


def of_exception(exc: BaseException) -> Msg:
    """The message an exception carries (a `Refusal`'s template), else its plain text."""
    template = getattr(exc, "template", None)
    if isinstance(template, str):
        return Msg(template, getattr(exc, "params", {}))
    return Msg(None, text=str(exc))


def is_field_param(name: str) -> bool:
    return name in FIELD_PARAMS or name.endswith("_field")


def is_option_param(name: str) -> bool:
    return name in OPTION_PARAMS or name.endswith("_option")


def is_term_param(name: str) -> bool:
    return name in TERM_PARAMS or name.endswith("_what")


def template_params(template: str) -> set[str]:
    """The param names a template uses (`{value}`, `{value!r}`, `{period:%Y-%m}` → value…)."""
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


def translate(template: str, lang: str | None) -> str:
    """The template's text in `lang`: Spanish from `SPANISH`; English is the template itself,
    or its `ENGLISH` wording where the template's own words suit only the code's names."""
    if lang == "es":
        return SPANISH.get(template, template)
    if lang == "en":
        return ENGLISH.get(template, template)
    return template


def _shown(name: str, value: Any, lang: str | None) -> Any:
    if isinstance(value, Msg):
        return value.render(lang)
    if name.endswith("_fields") and isinstance(value, (list, tuple)):
        return " + ".join(value if lang is None else (field_label(v, lang) for v in value))
    if lang is None:
        return value
    if is_field_param(name) and isinstance(value, str):
        return field_label(value, lang)
    if is_option_param(name) and isinstance(value, str) and value in OPTION_LABELS:
        entry = OPTION_LABELS[value]
        return entry.get(lang) or entry["es"]
    if is_term_param(name) and isinstance(value, str):
        return TERMS.get(value, value) if lang == "es" else value
    return value


def render(template: str, params: dict[str, Any] | None = None, lang: str | None = None) -> str:
    """`template` with `params`, in `lang` (None: the English text with raw params)."""
    params = params or {}
    text = translate(template, lang)
    shown = {name: _shown(name, value, lang) for name, value in params.items()}
    return text.format(**shown) if params or "{" in text else text


def where(lang: str, file: str | None, line: int | None, field: str | None) -> str:
    """The header of a located problem: "accounts.csv, línea 3, columna 'Cuenta': "."""
    parts = []
    if file:
        parts.append(file)
    if line is not None:
        parts.append(render("line {line}", {"line": line}, lang))
    if field:
        key = "column '{field}'" if file else "field '{field}'"
        parts.append(render(key, {"field": field}, lang))
    return ", ".join(parts) + ": " if parts else ""


# English for users where the template's words fit only the raw names (`reason` keeps them).
ENGLISH: dict[str, str] = {
    "{value} is lower than device {serial}'s previous {meter} counter ({low}, {where}); if the "
    "meter was replaced, record the new meter's first reading with {reset_field}=true":
        "{value} is lower than device {serial}'s previous {meter} counter ({low}, {where}); if "
        "the meter was replaced, record the new meter's first reading with "
        "“{reset_field}” checked",
}

# Noun phrases the code passes as `what` (Checker.known/unique/not_before/after).
TERMS: dict[str, str] = {
    # the records of the CSV formats (operational_app/csv_import/importer.py `what`)
    "fx rate": "el tipo de cambio",
    "opportunity stage change": "el cambio de etapa",
    "renewal": "la renovación",
    "price plan": "el plan de precios",
    "price tier": "el tramo de precios",
    "sla term": "el término de SLA",
    "formalization step": "el paso de formalización",
    "implementation plan": "el plan de implementación",
    "implementation milestone": "el hito de implementación",
    "maintenance plan": "el plan de mantenimiento",
    "maintenance visit": "la visita de mantenimiento",
    "ticket pause": "la pausa del ticket",
    "device event": "el evento del equipo",
    "meter reading": "la lectura",
    "payment application": "la aplicación de pago",
    "collection action": "la acción de cobranza",
    "contract review": "la revisión del contrato",
    "closure": "el cierre",
    "account": "la cuenta",
    "amendment": "la adenda",
    "consumable request": "la solicitud de consumibles",
    "contract": "el contrato",
    "credit note": "la nota de crédito",
    "device": "el equipo",
    "invoice": "la factura",
    "opportunity": "la oportunidad",
    "payment": "el pago",
    "payment reversal": "el reverso de pago",
    "proposal": "la propuesta",
    "ticket": "el ticket",
    "user": "el usuario",
    "visit": "la visita",
    "the action date": "la fecha de la acción",
    "the activation or start date": "la fecha de activación o de inicio",
    "the contract start": "el inicio del contrato",
    "the contract's activation": "la activación del contrato",
    "the contract's activation or start": "la activación o el inicio del contrato",
    "the current end date": "la fecha de término vigente",
    "the device's latest reading": "la última lectura del equipo",
    "the end of the last pause": "el fin de la última pausa",
    "the end of the previous pause": "el fin de la pausa anterior",
    "the first response": "la primera respuesta",
    "the install date": "la fecha de instalación",
    "the invoice's issue date": "la fecha de emisión de la factura",
    "the issue date": "la fecha de emisión",
    "the last approval": "la última aprobación",
    "the month the contract starts": "el mes en que inicia el contrato",
    "the opportunity's creation date": "la fecha de alta de la oportunidad",
    "the opportunity's last stage change": "el último cambio de etapa de la oportunidad",
    "the payment's date": "la fecha del pago",
    "the planning date": "la fecha del plan",
    "the renewal date": "la fecha de renovación",
    "the request": "la solicitud",
    "the resolution": "la solución",
    "the start date": "la fecha de inicio",
    "the start of the billed period": "el inicio del periodo facturado",
    "the start of the pause": "el inicio de la pausa",
    "the ticket's opening": "la apertura del ticket",
}

# The Spanish text of every English template. Keys are the templates exactly as the code
# writes them; tests/domain/test_messages.py checks every template has its entry.
# The billing run report's words (operational_app/domain/billing_run.py `RunReport.lines`):
# its actions and documents, in Spanish; English is the word itself.
RUN_WORDS: dict[str, str] = {
    "drafted": "en borrador",
    "regenerated": "regenerada",
    "posted": "emitida",
    "unchanged": "sin cambio",
    "adjustment": "propuesta",
    "excluded": "excluido",
    "outside": "fuera de la emisión",
    "nothing": "sin cargo",
    "invoice": "factura",
    "credit note": "nota de crédito",
    "adjustment invoice": "factura de ajuste",
    "adjustment credit note": "nota de crédito de ajuste",
}

SPANISH: dict[str, str] = {
    # why a refresh builds what it builds (seiton/warehouse/buildplan.py)
    "a full build was asked for": "se pidió una construcción completa",
    "no published warehouse or no earlier build yet":
        "aún no hay almacén publicado ni construcción anterior",
    "the previous refresh did not finish its build":
        "la actualización anterior no terminó su construcción",
    "the dbt project changed since the last build":
        "el proyecto dbt cambió desde la última construcción",
    "the load brought nothing new": "la carga no trajo nada nuevo",
    "only the marts needed now": "solo los marts que se necesitan ahora",
    "{n} changed source table(s)": "{n} tabla(s) de origen con cambios",
    # the billing run's report (RunReport.lines)
    "{contract}: would be {action} {document}": "{contract}: {document} {action} (simulación)",
    "{contract}: {action} {document}": "{contract}: {document} {action}",
    "{n} {action}": "{action}: {n}",
    "nothing": "nada",
    " (dry run, nothing written)": " (simulación, no se escribió nada)",
    "billing run {period}{dry}: {summary}": "emisión {period}{dry}: {summary}",
    "invoiced outside the run: {numbers}": "facturado fuera de la emisión: {numbers}",
    "the charge is 0.00": "el cargo es 0.00",
    "against {invoice}: charge {expected}, posted {posted}":
        "contra {invoice}: cargo {expected}, emitido {posted}",
    # import summaries (operational_app/csv_import/report.py, meter_capture/importer.py)
    "{inserted} inserted, {updated} updated, {unchanged} unchanged":
        "{inserted} nuevas, {updated} actualizadas, {unchanged} sin cambio",
    "{file}: imported — {counts}": "{file}: importado — {counts}",
    "{file}: valid (preview, nothing written) — {counts}":
        "{file}: válido (vista previa, no se escribió nada) — {counts}",
    " in {refused} of {rows} rows": " en {refused} de {rows} filas",
    "{file}: refused — {n} error(s){rows}; nothing written for this file":
        "{file}: rechazado — {n} error(es){rows}; no se escribió nada de este archivo",
    "{files} file(s): {inserted} rows inserted, {updated} updated, {unchanged} unchanged":
        "{files} archivo(s): {inserted} filas nuevas, {updated} actualizadas, "
        "{unchanged} sin cambio",
    "; {refused} file(s) refused": "; {refused} archivo(s) rechazado(s)",
    "; {n} error(s) before any file was read": "; {n} error(es) antes de leer algún archivo",
    " (preview: nothing written)": " (vista previa: no se escribió nada)",
    "{file} ({profile}): would import {inserted} reading(s), {held} of them held for review; "
    "{unchanged} unchanged; {skipped} row(s) of {serials} unknown serial(s) skipped":
        "{file} ({profile}): se importarían {inserted} lectura(s), {held} de ellas retenidas "
        "para revisión; {unchanged} sin cambio; {skipped} fila(s) de {serials} número(s) de "
        "serie desconocido(s) omitidas",
    "{file} ({profile}): imported {inserted} reading(s), {held} of them held for review; "
    "{unchanged} unchanged; {skipped} row(s) of {serials} unknown serial(s) skipped":
        "{file} ({profile}): {inserted} lectura(s) importada(s), {held} de ellas retenidas "
        "para revisión; {unchanged} sin cambio; {skipped} fila(s) de {serials} número(s) de "
        "serie desconocido(s) omitidas",
    "; {n} error(s), nothing written": "; {n} error(es), no se escribió nada",
    "line {line}": "línea {line}",
    "column '{field}'": "columna '{field}'",
    "field '{field}'": "campo '{field}'",
    "(import)": "(importación)",
    "{what} '{key}'": "{what} '{key}'",
    "{what} ({key})": "{what} ({key})",
    "invalid input": "datos no válidos",
    "invalid value": "valor no válido",
    # --- CFDI metadata and XML
    "{cell!r} is not a UUID": "{cell!r} no es un UUID",
    "must be 0 (cancelled) or 1 (in force), not {cell!r}":
        "debe ser 0 (cancelado) o 1 (vigente), no {cell!r}",
    "must be one of {options}": "debe ser uno de {options}",
    "is required": "es obligatorio",
    "is required when Estatus is 0 (cancelled)": "es obligatorio cuando Estatus es 0 (cancelado)",
    "the row has {length} fields separated by '~', the header {columns}":
        "la fila tiene {length} campos separados por '~'; el encabezado, {columns}",
    "must be a decimal amount, not {cell!r}": "debe ser un importe decimal, no {cell!r}",
    "is not valid UTF-8 (byte offset {start})": "no es UTF-8 válido (byte {start})",
    "must be a date and time YYYY-MM-DD hh:mm:ss, not {cell!r}":
        "debe ser una fecha y hora AAAA-MM-DD hh:mm:ss, no {cell!r}",
    "is not XML (it does not start with '<')": "no es XML (no empieza con '<')",
    "declares a DTD or entities (<!DOCTYPE>/<!ENTITY>): refused (a CFDI has none; this is how "
    "XML entity-expansion attacks start)":
        "declara un DTD o entidades (<!DOCTYPE>/<!ENTITY>): se rechaza (un CFDI no los tiene; "
        "así empiezan los ataques de expansión de entidades XML)",
    "the root element is {localname!r} ({value}), not cfdi:Comprobante of "
    "http://www.sat.gob.mx/cfd/4: not a CFDI":
        "el elemento raíz es {localname!r} ({value}), no cfdi:Comprobante de "
        "http://www.sat.gob.mx/cfd/4: no es un CFDI",
    "a {ns} Comprobante must be version {wanted}, not {version!r} (CFDI 4.0 is read; 3.3 for "
    "history)":
        "un Comprobante {ns} debe ser versión {wanted}, no {version!r} (se lee CFDI 4.0; 3.3 "
        "para el historial)",
    "{cfdi_type!r}: only ingresos (I), egresos (E) and pagos (P) are imported":
        "{cfdi_type!r}: solo se importan ingresos (I), egresos (E) y pagos (P)",
    "the CFDI is not stamped: import the XML the PAC returned, with its TimbreFiscalDigital":
        "el CFDI no está timbrado: importa el XML que devolvió el PAC, con su "
        "TimbreFiscalDigital",
    "{uuid!r} is not a UUID (8-4-4-4-12 hexadecimal digits)":
        "{uuid!r} no es un UUID (8-4-4-4-12 dígitos hexadecimales)",
    "a CFDI de pago needs its Pagos 2.0 complement":
        "un CFDI de pago necesita su complemento Pagos 2.0",
    "Pagos {pagos_version} is not 2.0": "Pagos {pagos_version} no es 2.0",
    "the Pagos complement holds no Pago": "el complemento Pagos no tiene ningún Pago",
    "must be a decimal number, not {raw!r}": "debe ser un número decimal, no {raw!r}",
    "{value} has more than 2 decimals": "{value} tiene más de 2 decimales",
    "must be a whole number, not {raw!r}": "debe ser un número entero, no {raw!r}",
    "is not well-formed XML (truncated or damaged?): {msg}":
        "no es XML bien formado (¿truncado o dañado?): {msg}",
    "is Pagos 1.0 (complemento de pago of CFDI 3.3): only Pagos 2.0 records payments":
        "es Pagos 1.0 (complemento de pago del CFDI 3.3): solo Pagos 2.0 registra pagos",
    "a Pago needs at least one DoctoRelacionado": "un Pago necesita al menos un DoctoRelacionado",
    "the node is missing": "falta el nodo",
    "the attribute is missing": "falta el atributo",
    "must be a date and time AAAA-MM-DDThh:mm:ss, not {raw!r}":
        "debe ser una fecha y hora AAAA-MM-DDThh:mm:ss, no {raw!r}",
    "{related!r} is not a UUID": "{related!r} no es un UUID",
    "{ident!r} is not the UUID of an invoice": "{ident!r} no es el UUID de una factura",
    # --- CSV import
    "must be one of {choices}, not {value!r}": "debe ser uno de {choices}, no {value!r}",
    "an activation is always 'approved'": "una activación siempre es 'approved' (aprobada)",
    "are not recorded for an activation": "no se registran en una activación",
    "the database refused the file, nothing of it was written: {first}":
        "la base de datos rechazó el archivo; no se escribió nada de él: {first}",
    "the operational DB has no schema yet: run `seiton init` first":
        "la base operativa aún no tiene esquema: ejecuta primero `seiton init`",
    "is too large: {size:,} bytes, the limit is {limit:,} bytes ({value:g} MB; "
    "SEITON_IMPORT_MAX_MB changes it); split the file":
        "es demasiado grande: {size:,} bytes; el límite es {limit:,} bytes ({value:g} MB; "
        "SEITON_IMPORT_MAX_MB lo cambia); divide el archivo",
    "… and {errors_not_listed} more error(s) not listed":
        "… y {errors_not_listed} error(es) más sin listar",
    "'{path}' is not a folder": "'{path}' no es una carpeta",
    "the folder holds no CSV files and no CFDI (expected names: {names}, or *.xml)":
        "la carpeta no tiene archivos CSV ni CFDI (nombres esperados: {names}, o *.xml)",
    "the importing user: {reason}": "el usuario que importa: {reason}",
    "unknown file name: not an import format (expected one of {names})":
        "nombre de archivo desconocido: no es un formato de importación (se espera uno de "
        "{names})",
    "cannot be read: {strerror}": "no se puede leer: {strerror}",
    "a second file for the {filename} format (after {name})":
        "un segundo archivo del formato {filename} (después de {name})",
    "duplicate row: line {seen} has the same {key_fields} ({key_text})":
        "fila duplicada: la línea {seen} tiene la misma clave «{key_fields}» ({key_text})",
    "the database refused the row: {first}": "la base de datos rechazó la fila: {first}",
    "unexpected error ({name}: {exc}); please report it":
        "error inesperado ({name}: {exc}); por favor repórtalo",
    "is only recorded together with {trigger_field}": "solo se registra junto con «{trigger_field}»",
    "{record} was withdrawn on {withdrawn:%Y-%m-%d}: it cannot be imported again":
        "{record} se retiró el {withdrawn:%Y-%m-%d}: no se puede importar de nuevo",
    "{record} already exists with different values: {name_field} is {raw} in the file, "
    "{stored} in the database":
        "{record} ya existe con otros valores: «{name_field}» es {raw} en el archivo y "
        "{stored} en la base de datos",
    "is UTF-16, not UTF-8: save it as 'CSV UTF-8'":
        "está en UTF-16, no en UTF-8: guárdalo como 'CSV UTF-8'",
    "the header is separated by ';': columns must be separated by commas":
        "el encabezado está separado por ';': las columnas deben separarse con comas",
    "missing header: line 1 must name the columns ({known}), but it reads '{shown}'":
        "falta el encabezado: la línea 1 debe nombrar las columnas ({known}), pero dice "
        "'{shown}'",
    "is not valid UTF-8: byte 0x{bad} at byte offset {sum} (line {line}); save the file as "
    "UTF-8 ('CSV UTF-8' in Excel)":
        "no es UTF-8 válido: byte 0x{bad} en la posición {sum} (línea {line}); guarda el "
        "archivo como UTF-8 ('CSV UTF-8' en Excel)",
    "header cell {pos} is empty: every column needs a name":
        "la celda {pos} del encabezado está vacía: cada columna necesita un nombre",
    "required column is missing from the header": "falta una columna obligatoria en el encabezado",
    "the first line must be the header row naming the columns ({columns})":
        "la primera línea debe ser el encabezado que nombra las columnas ({columns})",
    "malformed CSV: {exc} (check the quotes)": "CSV mal formado: {exc} (revisa las comillas)",
    "unknown column for {name} (extra columns are an error, not ignored; the columns are: "
    "{known})":
        "columna desconocida para {name} (las columnas de más son un error, no se ignoran; "
        "las columnas son: {known})",
    "the column appears twice in the header": "la columna aparece dos veces en el encabezado",
    "the row has {length} cells but the header has {width} columns (no cell for {missing})":
        "la fila tiene {length} celdas pero el encabezado tiene {width} columnas (sin celda "
        "para {missing})",
    "the row has {length} cells but the header has {width} columns":
        "la fila tiene {length} celdas pero el encabezado tiene {width} columnas",
    # --- demo bulk path
    "'{key}' already exists (written concurrently by another user)":
        "'{key}' ya existe (otro usuario lo escribió al mismo tiempo)",
    "device '{serial}' already has a maintenance plan":
        "el equipo '{serial}' ya tiene un plan de mantenimiento",
    "this {type} event of device '{serial}' at {at} already exists":
        "este evento {type} del equipo '{serial}' del {at} ya existe",
    # --- billing
    "must not be in the future (today is {today})": "no debe estar en el futuro (hoy es {today})",
    "a {kind} of device {serial} on {read} already exists (mono {mono}, color {color}{held})":
        "ya existe una {kind} del equipo {serial} del {read} (mono {mono}, color "
        "{color}{held})",
    "meter-reset reading": "lectura de cambio de medidor",
    "reading": "lectura",
    "": "",
    ", {status} for review": ", {status} en revisión",
    "only device {serial}'s latest reading can be withdrawn":
        "solo se puede retirar la última lectura del equipo {serial}",
    "device {serial}'s reading of {read_on} is not held for review (it is {review_status})":
        "la lectura del {read_on} del equipo {serial} no está retenida para revisión (está "
        "{review_status})",
    "must be the first day of a month": "debe ser el primer día de un mes",
    "is outside contract {contract_number}'s billable months ({first} to {last})":
        "está fuera de los meses facturables del contrato {contract_number} ({first} a "
        "{last})",
    "{total} exceeds what is left to credit on invoice {invoice} ({left}: its total "
    "{invoice_total} minus earlier credit notes)":
        "{total} excede lo que queda por acreditar de la factura {invoice} ({left}: su total "
        "{invoice_total} menos las notas de crédito anteriores)",
    "payment {payment_number} was reversed on {reversed_on}: it cannot be applied":
        "el pago {payment_number} se reversó el {reversed_on}: no se puede aplicar",
    "payment {payment} is already reversed ({earlier_number})":
        "el pago {payment} ya está reversado ({earlier_number})",
    "device {serial} has no reading on {read}": "el equipo {serial} no tiene lectura el {read}",
    "{reason}: reject the reading instead": "{reason}: rechaza la lectura en su lugar",
    "unbalanced totals: {subtotal_field} {subtotal} + {tax_field} {tax} = {sum}, not {total}":
        "totales que no cuadran: {subtotal_field} {subtotal} + {tax_field} {tax} = {sum}, no "
        "{total}",
    "must be contract {contract_no}'s currency ({currency})":
        "debe ser la moneda del contrato {contract_no} ({currency})",
    "invoice {invoice_number} belongs to another account than payment {payment_number}":
        "la factura {invoice_number} es de otra cuenta que el pago {payment_number}",
    "invoice {invoice_number} is in {currency}, payment {payment_number} in {other_currency}":
        "la factura {invoice_number} está en {currency} y el pago {payment_number} en "
        "{other_currency}",
    "payment {payment_number} is already applied to invoice {invoice_number}":
        "el pago {payment_number} ya está aplicado a la factura {invoice_number}",
    "{amount} exceeds payment {payment_number}'s unapplied amount ({unapplied})":
        "{amount} excede el monto por aplicar del pago {payment_number} ({unapplied})",
    "{amount} exceeds invoice {invoice_number}'s open amount ({still_open}): over-payment is "
    "refused; leave the rest unapplied as customer credit":
        "{amount} excede el saldo abierto de la factura {invoice_number} ({still_open}): no se "
        "aceptan pagos de más; deja el resto sin aplicar como saldo a favor del cliente",
    "exceeds the invoice total ({total})": "excede el total de la factura ({total})",
    "is required for a promise to pay": "es obligatorio para una promesa de pago",
    "is only recorded for a promise to pay": "solo se registra para una promesa de pago",
    # --- billing run
    "unknown draft {draft_id}": "borrador desconocido {draft_id}",
    "{number} is already excluded from {period:%Y-%m}": "{number} ya está excluido de {period:%Y-%m}",
    "{number} is already invoiced for {period:%Y-%m} by the run: correct it with a credit note "
    "instead":
        "{number} ya está facturado en {period:%Y-%m} por la corrida: corrígelo con una nota "
        "de crédito",
    "the draft is posted: a posted invoice is never changed":
        "el borrador está contabilizado: una factura contabilizada nunca se cambia",
    "{number}: {reason}": "{number}: {reason}",
    "{number}: before the period": "{number}: antes del periodo",
    "must be after the period's end ({period_end})":
        "debe ser posterior al fin del periodo ({period_end})",
    # --- CFDI import
    "a CFDI 3.3 is accepted for history only, for {what} the product already holds; {number} "
    "is unknown, and a 3.3 document never creates financial records (import it through the "
    "CSV files first)":
        "un CFDI 3.3 se acepta solo como historial, para {what} que el producto ya tiene; "
        "{number} es desconocido, y un documento 3.3 nunca crea registros financieros "
        "(impórtalo primero con los archivos CSV)",
    "the company's RFC is not configured (admin page or SEITON_ISSUER_RFC)":
        "el RFC de la empresa no está configurado (página de administración o "
        "SEITON_ISSUER_RFC)",
    "the issuer {issuer_rfc} is not the company ({issuer}): only the company's own CFDI are "
    "imported (received invoices are not this product's business)":
        "el emisor {issuer_rfc} no es la empresa ({issuer}): solo se importan los CFDI propios "
        "de la empresa (las facturas recibidas no son asunto de este producto)",
    "UUID {uuid} was already imported (from {file_name}) with different content: a stamped "
    "CFDI never changes":
        "el UUID {uuid} ya se importó (de {file_name}) con otro contenido: un CFDI timbrado "
        "nunca cambia",
    "the receiver {receiver_rfc} is not account {account_code}'s RFC ({tax_id})":
        "el receptor {receiver_rfc} no es el RFC de la cuenta {account_code} ({tax_id})",
    "is absent: an invoice issued outside the product is imported under the contract its "
    "conceptos name here":
        "falta: una factura emitida fuera del producto se importa bajo el contrato que sus "
        "conceptos nombran aquí",
    "the conceptos name several contracts ({numbers}): one invoice bills one contract":
        "los conceptos nombran varios contratos ({numbers}): una factura cobra un solo contrato",
    "unknown contract {number!r}": "contrato desconocido {number!r}",
    "a {currency} invoice needs its TipoCambio": "una factura en {currency} necesita su TipoCambio",
    "an egreso must name the invoice it credits (CfdiRelacionados with TipoRelacion 01): "
    "without it there is nothing to credit":
        "un egreso debe nombrar la factura que acredita (CfdiRelacionados con TipoRelacion 01): "
        "sin ella no hay nada que acreditar",
    "relates {length} invoices; a credit note is against one":
        "relaciona {length} facturas; una nota de crédito es contra una sola",
    "no imported invoice has UUID {related}: import its CFDI first":
        "ninguna factura importada tiene el UUID {related}: importa primero su CFDI",
    "SubTotal {subtotal} + taxes {tax_amount} is not Total {total}":
        "SubTotal {subtotal} + impuestos {tax_amount} no es Total {total}",
    "is {currency}, the invoice's currency is {other_currency}":
        "es {currency}; la moneda de la factura es {other_currency}",
    "pays invoices of several accounts: one payment comes from one account":
        "paga facturas de varias cuentas: un pago viene de una sola cuenta",
    "is {amount} {currency}, but ImpPagado ÷ EquivalenciaDR add up to {total} (a difference "
    "of {difference})":
        "es {amount} {currency}, pero ImpPagado ÷ EquivalenciaDR suman {total} (una diferencia "
        "de {difference})",
    "a CFDI de pago 3.3 (Pagos 1.0) is refused: only CFDI 4.0 with Pagos 2.0 records payments":
        "se rechaza un CFDI de pago 3.3 (Pagos 1.0): solo un CFDI 4.0 con Pagos 2.0 registra "
        "pagos",
    "ImpSaldoAnt {balance_before} − ImpPagado {paid} = {value}, not {balance_after} (a "
    "difference of {difference})":
        "ImpSaldoAnt {balance_before} − ImpPagado {paid} = {value}, no {balance_after} (una "
        "diferencia de {difference})",
    "is {balance_before}, but invoice {invoice_number}'s open amount just before the payment "
    "of {day} was {before} (a difference of {value})":
        "es {balance_before}, pero el saldo abierto de la factura {invoice_number} justo antes "
        "del pago del {day} era {before} (una diferencia de {value})",
    "the issuer {issuer_rfc} is not the company ({value})":
        "el emisor {issuer_rfc} no es la empresa ({value})",
    "UUID {uuid} is already recorded as cancelled on {cancelled_at}, not {wanted}":
        "el UUID {uuid} ya está registrado como cancelado el {cancelled_at}, no el {wanted}",
    "is not UTF-8: a CFDI is encoded in UTF-8": "no es UTF-8: un CFDI se codifica en UTF-8",
    "invoice {invoice_number} already has the stamped CFDI {live}; another one must "
    "substitute it (TipoRelacion 04)":
        "la factura {invoice_number} ya tiene el CFDI timbrado {live}; otro debe sustituirlo "
        "(TipoRelacion 04)",
    "credit note {credit_note_number} is against another invoice than {invoice_number}":
        "la nota de crédito {credit_note_number} es contra otra factura que {invoice_number}",
    "no imported invoice has UUID {id_documento}: a CFDI de pago can only pay an invoice "
    "whose CFDI was imported first":
        "ninguna factura importada tiene el UUID {id_documento}: un CFDI de pago solo puede "
        "pagar una factura cuyo CFDI se importó antes",
    "is {currency}, invoice {invoice_number} is in {other_currency}":
        "es {currency}; la factura {invoice_number} está en {other_currency}",
    "the DoctoRelacionado pay {paid} in all, more than Monto {amount}":
        "los DoctoRelacionado pagan {paid} en total, más que Monto {amount}",
    "pays invoices in different currencies": "paga facturas en monedas distintas",
    "payment {payment_number} is already applied to invoice {invoice_number} with {amount}, "
    "not {paid}":
        "el pago {payment_number} ya está aplicado a la factura {invoice_number} con {amount}, "
        "no con {paid}",
    # --- field formats (operational_app/domain/fields.py)
    "must be true or false, not {value}": "debe ser true o false (sí o no), no {value}",
    "must be text": "debe ser texto",
    "must not start with a tab or carriage return (spreadsheet formula)":
        "no debe empezar con un tabulador o retorno de carro (fórmula de hoja de cálculo)",
    "must not start with '{text}': it would run as a spreadsheet formula":
        "no debe empezar con '{text}': se ejecutaría como fórmula de hoja de cálculo",
    "must not contain HTML or script markup (text like '<tag')":
        "no debe contener marcas HTML ni de script (texto como '<etiqueta')",
    "is too long ({length} characters, at most {max_len})":
        "es demasiado largo ({length} caracteres; máximo {max_len})",
    "is out of range (between {low} and {high})": "está fuera de rango (entre {low} y {high})",
    "must be a date without a time (YYYY-MM-DD)": "debe ser una fecha sin hora (AAAA-MM-DD)",
    "must be a date as YYYY-MM-DD, not {value}": "debe ser una fecha AAAA-MM-DD, no {value}",
    "must be a number": "debe ser un número",
    "must be a finite number": "debe ser un número finito",
    "has more than {places} decimal places": "tiene más de {places} decimales",
    "is too large (must be below {maximum:,})": "es demasiado grande (debe ser menor que {maximum:,})",
    "must be a whole number": "debe ser un número entero",
    "is too large (at most {maximum:,})": "es demasiado grande (máximo {maximum:,})",
    "must be one of {options}, not {value}": "debe ser uno de {options}, no {value}",
    "contains a control character (U+{code:04X})": "contiene un carácter de control (U+{code:04X})",
    "is not a valid calendar date: {value}": "no es una fecha válida del calendario: {value}",
    "must be a date and time (YYYY-MM-DDTHH:MM), not only a date":
        "debe ser una fecha y hora (AAAA-MM-DDTHH:MM), no solo una fecha",
    "is too large": "es demasiado grande",
    "must be greater than 0": "debe ser mayor que 0",
    "must be ≥ {minimum}": "debe ser ≥ {minimum}",
    "must be below {below}": "debe ser menor que {below}",
    "must be ≤ {maximum}": "debe ser ≤ {maximum}",
    "unknown {what} '{key}'": "no existe {what} '{key}'",
    "{what} '{key}' already exists": "ya existe {what} '{key}'",
    "must not be before {what} ({earlier})": "no debe ser anterior a {what} ({earlier})",
    "must be after {what} ({earlier})": "debe ser posterior a {what} ({earlier})",
    "must be an ISO 8601 date and time (YYYY-MM-DDTHH:MM[:SS][±HH:MM]), not {value}":
        "debe ser una fecha y hora ISO 8601 (AAAA-MM-DDTHH:MM[:SS][±HH:MM]), no {value}",
    "must be a number with a dot for decimals and no thousands separator, not {value}":
        "debe ser un número con punto decimal y sin separador de miles, no {value}",
    "must be a whole number, not {value}": "debe ser un número entero, no {value}",
    "is not a valid date and time: {value}": "no es una fecha y hora válida: {value}",
    # --- fiscal
    "is not an RFC (12 characters for a company, 13 for a person: 3–4 letters, a date YYMMDD "
    "and a 3-character homoclave)":
        "no es un RFC (12 caracteres para una empresa, 13 para una persona: 3–4 letras, una "
        "fecha AAMMDD y una homoclave de 3 caracteres)",
    "must be a 5-digit postal code, not {code!r}": "debe ser un código postal de 5 dígitos, no {code!r}",
    "{code} is not in the SAT's postal code catalogue (c_CodigoPostal)":
        "{code} no está en el catálogo de códigos postales del SAT (c_CodigoPostal)",
    "{code!r} is not a code of the SAT catalogue c_{catalogue}":
        "{code!r} no es una clave del catálogo del SAT c_{catalogue}",
    "régimen {regime} is for persons, but RFC {rfc} is a company's":
        "el régimen {regime} es de personas físicas, pero el RFC {rfc} es de una empresa",
    "régimen {regime} is for companies, but RFC {rfc} is a person's":
        "el régimen {regime} es de personas morales, pero el RFC {rfc} es de una persona",
    "must be 1–25 letters or digits": "debe tener de 1 a 25 letras o dígitos",
    "is not a fiscal setting": "no es un ajuste fiscal",
    "unknown line kind {kind!r} (one of {kinds})":
        "tipo de partida desconocido {kind!r} (uno de {kinds})",
    # --- formalization
    "opportunity '{code}' is {stage}, not won": "la oportunidad '{code}' está en {stage}, no ganada",
    "opportunity '{code}' belongs to another account": "la oportunidad '{code}' es de otra cuenta",
    "opportunity '{code}' already has contract '{taken}'":
        "la oportunidad '{code}' ya tiene el contrato '{taken}'",
    "is only recorded together with {closed_field}": "solo se registra junto con «{closed_field}»",
    "must not be shorter than the response time ({response} h)":
        "no debe ser menor que el tiempo de respuesta ({response} h)",
    "must be within the contract (it ends {end})": "debe estar dentro del contrato (termina el {end})",
    "'activated' is recorded by activating the contract":
        "'activated' (activado) se registra al activar el contrato",
    "already activated on {activated_on}": "ya se activó el {activated_on}",
    "the contract was closed on {closed_on}": "el contrato se cerró el {closed_on}",
    "must be on or before the contract end ({end_date})":
        "debe ser a más tardar el fin del contrato ({end_date})",
    "a price plan of contract '{number}' effective from {start} already exists":
        "ya existe un plan de precios del contrato '{number}' vigente desde {start}",
    "contract '{number}' has no price plan effective from {start}":
        "el contrato '{number}' no tiene plan de precios vigente desde {start}",
    "a {meter} tier from page {first_page} already exists in this plan":
        "ya existe en este plan un tramo {meter} desde la página {first_page}",
    "contract '{number}' is already activated": "el contrato '{number}' ya está activado",
    "step {step} has no decision yet": "el paso {step} aún no tiene decisión",
    "has no price plan in force on {on}": "no tiene plan de precios vigente el {on}",
    "must be within the contract (on or before its end date {end})":
        "debe estar dentro del contrato (a más tardar su fecha de término {end})",
    "step {step} was rejected on {decided_on}; approve it again before activating":
        "el paso {step} se rechazó el {decided_on}; apruébalo de nuevo antes de activar",
    "the latest {step} decision": "la última decisión de {step}",
    "this {step} decision on {on} is already recorded":
        "esta decisión de {step} del {on} ya está registrada",
    # --- implementation
    "contract '{contract_number}' is not activated yet":
        "el contrato '{contract_number}' aún no está activado",
    "contract '{number}' already has an implementation plan":
        "el contrato '{number}' ya tiene un plan de implementación",
    "device '{serial}' was already removed on {removed_on}":
        "el equipo '{serial}' ya se retiró el {removed_on}",
    "{milestone} of contract '{number}' is already recorded ({done_on})":
        "el hito {milestone} del contrato '{number}' ya está registrado ({done_on})",
    "{milestone} of contract '{number}' is not recorded":
        "el hito {milestone} del contrato '{number}' no está registrado",
    # --- KPI targets
    "unknown or inactive user '{actor}'": "usuario desconocido o inactivo '{actor}'",
    "a {role} cannot change KPI targets ({roles} only)":
        "el rol {role} no puede cambiar metas de indicadores (solo {roles})",
    "must be ≤ the target ({goal}): higher is better for {code}":
        "debe ser ≤ la meta ({goal}): en {code} más alto es mejor",
    "must be ≥ the target ({goal}): lower is better for {code}":
        "debe ser ≥ la meta ({goal}): en {code} más bajo es mejor",
    "must not be before the current month ({this_month}): months already judged keep their "
    "target":
        "no debe ser anterior al mes en curso ({this_month}): los meses ya evaluados conservan "
        "su meta",
    # --- devices
    "device {serial}'s install date": "la fecha de instalación del equipo {serial}",
    "must not be after device {serial}'s removal ({removed_on})":
        "no debe ser posterior al retiro del equipo {serial} ({removed_on})",
    # --- meter profiles
    "must be a YAML mapping of keys (name, encoding, delimiter, date_format, columns, …)":
        "debe ser un mapa YAML de claves (name, encoding, delimiter, date_format, columns, …)",
    "is required: lowercase letters, digits, '-' or '_', at most 40":
        "es obligatorio: minúsculas, dígitos, '-' o '_', máximo 40",
    "must be one of utf-8, cp1252, latin-1, not {value!r}":
        "debe ser uno de utf-8, cp1252, latin-1, no {value!r}",
    "must be ',', ';', '|' or a tab, not {value!r}":
        "debe ser ',', ';', '|' o un tabulador, no {value!r}",
    "must be empty or one of '.', ',', ' ', \"'\"": "debe estar vacío o ser uno de '.', ',', ' ', \"'\"",
    "must be '.' or ','": "debe ser '.' o ','",
    "{date_format!r} must name a day, a month and a year (strftime codes such as %d/%m/%Y)":
        "{date_format!r} debe nombrar un día, un mes y un año (códigos strftime como %d/%m/%Y)",
    "must be a whole number from 0 to 100": "debe ser un número entero de 0 a 100",
    "must be skip (listed in the report) or error":
        "debe ser skip (se listan en el reporte) o error",
    "is required: a mapping of product field → the file's header":
        "es obligatorio: un mapa de campo del producto → encabezado del archivo",
    "unknown profile key (the keys are: {keys})": "clave de perfil desconocida (las claves son: {keys})",
    "must differ from the decimal separator": "debe ser distinto del separador decimal",
    "give mono_counter, or total_counter (mono = total − color), but not both":
        "da mono_counter, o total_counter (mono = total − color), pero no ambos",
    "two product fields read the same header": "dos campos del producto leen el mismo encabezado",
    "no profile named {name_or_path!r} and no such YAML file (profiles: {known})":
        "no hay un perfil llamado {name_or_path!r} ni ese archivo YAML (perfiles: {known})",
    "is not valid YAML{where}: {problem}": "no es YAML válido{where}: {problem}",
    "{date_format!r} is not a usable strftime format":
        "{date_format!r} no es un formato strftime utilizable",
    "unknown product field (the fields are: {fields})":
        "campo del producto desconocido (los campos son: {fields})",
    "must name a header of the file": "debe nombrar un encabezado del archivo",
    # --- meter rules
    "unknown meter threshold {key!r}": "umbral de medidores desconocido {key!r}",
    "must be a whole number of days, not {text!r}": "debe ser un número entero de días, no {text!r}",
    "must be between {low} and {high} days": "debe estar entre {low} y {high} días",
    "none": "ninguna",
    "install counter of {day}": "contador de instalación del {day}",
    "reading of {day}": "lectura del {day}",
    "install counter of {day} ({meter} {counter})":
        "contador de instalación del {day} ({meter} {counter})",
    "new meter's start of {day} ({meter} {counter})":
        "inicio del medidor nuevo del {day} ({meter} {counter})",
    "reading of {day} ({meter} {counter})": "lectura del {day} ({meter} {counter})",
    "must be between 1.1 and 100": "debe estar entre 1.1 y 100",
    "{value} is lower than device {serial}'s previous {meter} counter ({low}, {where}); if the "
    "meter was replaced, record the new meter's first reading with {reset_field}=true":
        "{value} es menor que el contador {meter} anterior del equipo {serial} ({low}, "
        "{where}); si se cambió el medidor, registra la primera lectura del medidor nuevo "
        "marcando «{reset_field}»",
    "must be a number such as 3 or 2.5, not {text!r}": "debe ser un número como 3 o 2.5, no {text!r}",
    "{value} is above device {serial}'s next {meter} counter on the same meter ({later}): a "
    "new meter's start cannot exceed its later readings":
        "{value} es mayor que el siguiente contador {meter} del equipo {serial} en el mismo "
        "medidor ({later}): el inicio de un medidor nuevo no puede exceder sus lecturas "
        "posteriores",
    "{value} does not fit between device {serial}'s readings dated just before and just after "
    "it on the same meter: {earlier} and {later}":
        "{value} no cabe entre las lecturas del equipo {serial} de justo antes y justo después "
        "en el mismo medidor: {earlier} y {later}",
    # --- operation
    "the first response is already recorded ({first_response_at})":
        "la primera respuesta ya está registrada ({first_response_at})",
    "must not be after the resolution ({resolved_at})":
        "no debe ser posterior a la solución ({resolved_at})",
    "ticket '{number}' is already resolved": "el ticket '{number}' ya está resuelto",
    "ticket '{number}' is already paused (since {paused_at})":
        "el ticket '{number}' ya está en pausa (desde {paused_at})",
    "ticket '{number}' is not paused": "el ticket '{number}' no está en pausa",
    "the ticket is already resolved ({resolved_at})": "el ticket ya está resuelto ({resolved_at})",
    "is required for corrective tickets": "es obligatorio en tickets correctivos",
    "ticket '{number}' is paused: resume it before resolving":
        "el ticket '{number}' está en pausa: reanúdalo antes de resolverlo",
    "the ticket is already closed ({closed_at})": "el ticket ya está cerrado ({closed_at})",
    "ticket '{number}' is not resolved yet": "el ticket '{number}' aún no está resuelto",
    "the visit is already done ({done_on})": "la visita ya está hecha ({done_on})",
    "the request is already delivered ({delivered_at})":
        "la solicitud ya está entregada ({delivered_at})",
    "contract '{contract_no}' is not activated yet":
        "el contrato '{contract_no}' aún no está activado",
    "device '{serial}' is not on contract '{contract_no}'":
        "el equipo '{serial}' no está en el contrato '{contract_no}'",
    "needs the ticket's device: test pages are credited on a device":
        "necesita el equipo del ticket: las páginas de prueba se acreditan a un equipo",
    # --- renewal
    "contract '{contract_number}' was closed on {closed_on}":
        "el contrato '{contract_number}' se cerró el {closed_on}",
    "must be positive when devices are added": "debe ser positivo cuando se agregan equipos",
    "a review of contract '{number}' on {on} already exists":
        "ya existe una revisión del contrato '{number}' del {on}",
    "must be negative when devices are removed": "debe ser negativo cuando se retiran equipos",
    "must be within the contract (it ends {end_date})":
        "debe estar dentro del contrato (termina el {end_date})",
    "is more than the {installed} devices installed under contract '{number}'":
        "es más que los {installed} equipos instalados en el contrato '{number}'",
    "must be 0 for a price change": "debe ser 0 en un cambio de precio",
    # --- sales
    "is required when the opportunity is lost": "es obligatorio cuando la oportunidad se pierde",
    "is only recorded when the opportunity is lost": "solo se registra cuando la oportunidad se pierde",
    "must be a list of lines": "debe ser una lista de partidas",
    "only draft proposals can be withdrawn (this one is {status})":
        "solo se pueden retirar propuestas en borrador (esta está en {status})",
    "is not an RFC (3–4 letters, 6 digits YYMMDD, 3-character homoclave)":
        "no es un RFC (3–4 letras, 6 dígitos AAMMDD, homoclave de 3 caracteres)",
    "the opportunity is already {stage}: won and lost are final":
        "la oportunidad ya está en {stage}: ganada y perdida son definitivas",
    "must be a mapping of line fields": "debe ser un mapa de campos de la partida",
    "unknown line fields: {extra}": "campos de partida desconocidos: {extra}",
    "must be the opportunity's currency ({currency})":
        "debe ser la moneda de la oportunidad ({currency})",
    "cannot change a {status} proposal to {to}":
        "no se puede cambiar una propuesta en {status} a {to}",
    "cannot move from {stage} to {to}: stages only move forward ({stages} → won | lost)":
        "no se puede pasar de {stage} a {to}: las etapas solo avanzan ({stages} → won | lost)",
    # --- users
    "must be at least {minimum} characters": "debe tener al menos {minimum} caracteres",
    "must be 2–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit":
        "debe tener de 2 a 64 caracteres: letras, dígitos, '.', '_' o '-', y empezar con letra "
        "o dígito",
    "is required for an operator ({areas})": "es obligatorio para un operador ({areas})",
    "only operators have an area": "solo los operadores tienen área",
    "must be at most {maximum} characters": "debe tener como máximo {maximum} caracteres",
    "must not be the username": "no debe ser el nombre de usuario",
    # --- SQL console (seiton/warehouse/reader.py)
    "the query is longer than {limit:,} characters":
        "la consulta tiene más de {limit:,} caracteres",
    "exactly one statement is allowed": "se permite exactamente una sentencia",
    "exactly one statement is allowed (a PIVOT needs an explicit list: `pivot t on col in "
    "('a', 'b') using sum(x)`)":
        "se permite exactamente una sentencia (un PIVOT necesita una lista explícita: `pivot t "
        "on col in ('a', 'b') using sum(x)`)",
    "only SELECT queries are allowed (got {kind})":
        "solo se permiten consultas SELECT (se recibió {kind})",
    "function not allowed in the console: {denied}":
        "función no permitida en la consola: {denied}",
    "cannot parse the query: {error}": "no se puede interpretar la consulta: {error}",
    # --- CLI one-liners (seiton/cli.py)
    "import refused: {length} error(s); nothing written for those files":
        "importación rechazada: {length} error(es); no se escribió nada de esos archivos",
    "{length} document(s) not exported (reasons above)":
        "{length} documento(s) sin exportar (motivos arriba)",
    "--exclude needs --reason (why the contract is left out)":
        "--exclude necesita --reason (por qué se deja fuera el contrato)",
    "--exclude writes: it cannot be a dry run": "--exclude escribe: no puede ser un ensayo",
    "import-meters refused: {sum} error(s); nothing written":
        "import-meters rechazado: {sum} error(es); no se escribió nada",
    "dbt build failed (exit {code})": "dbt build falló (salida {code})",
    "query failed: {error}": "la consulta falló: {error}",
    "cannot serve on {host}:{port}: {exc}": "no se puede servir en {host}:{port}: {exc}",
    "passwords differ": "las contraseñas no coinciden",
    "failed: {failed}": "fallaron: {failed}",
    "interrupted": "interrumpido",
    "password: ": "contraseña: ",
    "again: ": "otra vez: ",
    # the CLI's success lines and progress (seiton/cli.py)
    "operational DB ready: {url}": "BD operacional lista: {url}",
    "warehouse ready: {path}": "almacén listo: {path}",
    "demo data: the operational DB already holds data; nothing generated":
        "datos demo: la BD operacional ya tiene datos; no se generó nada",
    "generating the {scale} demo business": "generando el negocio demo ({scale})",
    "demo data written: {counts}": "datos demo escritos: {counts}",
    "{length} CFDI written to {folder}": "{length} CFDI escritos en {folder}",
    "{contract} excluded from {period}: {reason}":
        "{contract} excluido de {period}: {reason}",
    "billing run {period}": "facturación de {period}",
    "reading {file}": "leyendo {file}",
    "  unknown serial {serial} (not a device of the dealer): line(s) {shown}":
        "  serie desconocida {serial} (no es un equipo del distribuidor): línea(s) {shown}",
    "… and {more} more error(s)": "… y {more} error(es) más",
    "loading the operational DB into the warehouse": "cargando la BD operacional al almacén",
    "loaded {rows} changed rows": "{rows} filas cambiadas cargadas",
    "refresh": "actualización",
    "refresh done in {seconds:.1f}s": "actualización hecha en {seconds:.1f}s",
    "docs built in {target} (works offline; {index} opens from disk)":
        "documentación generada en {target} (funciona sin conexión; {index} se abre desde "
        "el disco)",
    "user {name} created ({role_option}{area_shown})": "usuario {name} creado ({role_option}{area_shown})",
    "operational DB backed up to {path} ({mib:.1f} MiB)":
        "respaldo de la BD operacional en {path} ({mib:.1f} MiB)",
    "previous content saved to {saved}": "contenido anterior guardado en {saved}",
    "operational DB restored from {path}; the next `seiton refresh` reloads the warehouse "
    "from it":
        "BD operacional restaurada desde {path}; el próximo `seiton refresh` recarga el almacén "
        "desde ella",
    "  warehouse refreshed for the billing run": "  almacén actualizado para la facturación",
    # --- backup and restore (seiton/ops/backup.py)
    "not a SQLite URL: {scheme}://…": "no es una URL de SQLite: {scheme}://…",
    "no backup file at {source}": "no hay archivo de respaldo en {source}",
    "restored, but a refresh is running: run `seiton restore` again when it has finished, "
    "or the warehouse will keep stale rows":
        "restaurada, pero hay una actualización en curso: ejecute `seiton restore` otra vez "
        "cuando termine, o el almacén conservará filas viejas",
    "no operational DB at {live}: run `seiton init` first":
        "no hay BD operacional en {live}: ejecute primero `seiton init`",
    "{path} is not a readable SQLite database: {exc}":
        "{path} no es una base de datos SQLite legible: {exc}",
    "{path} failed the integrity check: {result}":
        "{path} no pasó la revisión de integridad: {result}",
    "{path} is not a Seiton operational DB (it has no schema version)":
        "{path} no es una BD operacional de Seiton (no tiene versión de esquema)",
    "{name} not found on PATH: install the PostgreSQL client tools (Debian: apt-get install "
    "postgresql-client), of the server's major version or newer":
        "{name} no está en el PATH: instale las herramientas cliente de PostgreSQL (Debian: "
        "apt-get install postgresql-client), de la versión mayor del servidor o más nueva",
    "pg_dump failed: {first}": "pg_dump falló: {first}",
    "{source} is not a plain pg_dump file (made by `seiton backup`)":
        "{source} no es un archivo pg_dump de texto (hecho por `seiton backup`)",
    "psql restore failed (nothing changed): {first}":
        "la restauración con psql falló (nada cambió): {first}",
    # --- the refresh (seiton/warehouse/refresh.py)
    "another refresh is running (lock held)":
        "hay otra actualización en curso (el candado está tomado)",
    "[1/3] load: operational DB → warehouse raw (dlt)":
        "[1/3] carga: BD operacional → almacén raw (dlt)",
    "      no change in the operational DB since the last load":
        "      ningún cambio en la BD operacional desde la última carga",
    "      {rows} changed rows": "      {rows} filas cambiadas",
    "      in {seconds:.1f}s": "      en {seconds:.1f}s",
    "[2/3] build: {marts} and what they are built from":
        "[2/3] construcción: {marts} y aquello de lo que se construyen",
    "dbt build failed (exit {code}); the published warehouse is unchanged{failures}":
        "dbt build falló (salida {code}); el almacén publicado no cambió{failures}",
    "[2/3] build: nothing to build ({reason})": "[2/3] construcción: nada que construir ({reason})",
    "[3/3] publish: the published warehouse is current":
        "[3/3] publicación: el almacén publicado está al día",
    "[2/3] build: dbt build of every model ({reason})":
        "[2/3] construcción: dbt build de todos los modelos ({reason})",
    "[2/3] build: dbt build of what {tables} reach ({reason})":
        "[2/3] construcción: dbt build de lo que alcanzan {tables} ({reason})",
    "      built in {seconds:.1f}s": "      construido en {seconds:.1f}s",
    "[3/3] publish: swap the new marts in for readers":
        "[3/3] publicación: los marts nuevos entran para los lectores",
    "      {length} relations published in {seconds:.1f}s":
        "      {length} relaciones publicadas en {seconds:.1f}s",
    "{kind}: {error}": "{kind}: {error}",
    "load failed (exit {code}): {last}": "la carga falló (salida {code}): {last}",
    # --- seiton doctor (seiton/ops/doctor.py): the checks' titles, the verdict, the details
    "operational DB": "BD operacional",
    "build warehouse": "almacén de construcción",
    "published warehouse": "almacén publicado",
    "last refresh": "última actualización",
    "data issues": "huecos en los datos",
    "source freshness": "frescura del origen",
    "disk space": "espacio en disco",
    "healthy": "todo en orden",
    "{failed} check(s) failed": "{failed} revisión(es) fallaron",
    ", {warned} warning(s)": ", {warned} aviso(s)",
    "{minutes} min": "{minutes} min",
    "{hours:.1f} h": "{hours:.1f} h",
    "{days:.1f} days": "{days:.1f} días",
    "no database at {path}: run `seiton init`": "no hay base de datos en {path}: ejecute `seiton init`",
    "{url} unreachable: {error}": "{url} inaccesible: {error}",
    "schema at {current}, latest is {heads}: run `seiton init` to migrate":
        "esquema en {current}, el último es {heads}: ejecute `seiton init` para migrar",
    "{url} reachable, schema at head {heads}": "{url} accesible, esquema en la última versión {heads}",
    "missing: {path}: run `seiton init`": "falta: {path}: ejecute `seiton init`",
    "{path} (a refresh is running: not opened)":
        "{path} (hay una actualización en curso: no se abrió)",
    "{path} unreadable: {error}": "{path} ilegible: {error}",
    "{path} readable, {raw} raw tables": "{path} legible, {raw} tablas raw",
    "meta.publish_info has {length} rows": "meta.publish_info tiene {length} filas",
    "{relation} missing": "falta {relation}",
    "{relation} not in the manifest": "{relation} no está en el manifiesto",
    "{relation} has {got} rows, the manifest says {expected}":
        "{relation} tiene {got} filas, el manifiesto dice {expected}",
    "no published warehouse yet": "aún no hay almacén publicado",
    "marts.fct_data_issues not published yet: run `seiton refresh`":
        "marts.fct_data_issues aún no se publica: ejecute `seiton refresh`",
    "no gaps in the reference data": "sin huecos en los datos de referencia",
    "{summary} (marts.fct_data_issues): {first}{more}":
        "{summary} (marts.fct_data_issues): {first}{more}",
    "missing: {path}: run `seiton refresh`": "falta: {path}: ejecute `seiton refresh`",
    "required marts missing: {missing}": "faltan marts obligatorios: {missing}",
    "{path}: {problems}": "{path}: {problems}",
    "published {at:%Y-%m-%d %H:%M} UTC, {mib:.1f} MiB":
        "publicado el {at:%Y-%m-%d %H:%M} UTC, {mib:.1f} MiB",
    "{path} readable, {length} marts, {when}; no manifest (an older publish): completeness "
    "not checked until the next refresh":
        "{path} legible, {length} marts, {when}; sin manifiesto (una publicación anterior): "
        "la integridad no se revisa hasta la próxima actualización",
    "{path} readable, {length} marts complete, {when}": "{path} legible, {length} marts completos, {when}",
    "never succeeded; last failure {age} ago: {error}":
        "nunca tuvo éxito; última falla hace {age}: {error}",
    "never run: run `seiton refresh`": "nunca se ejecutó: ejecute `seiton refresh`",
    "failed {age} ago: {error} (last success {success_age} ago)":
        "falló hace {age}: {error} (último éxito hace {success_age})",
    "last success {age} ago, older than {max_age}: is the scheduled refresh running?":
        "último éxito hace {age}, más de {max_age}: ¿corre la actualización programada?",
    ", took {seconds:.0f} s": ", tardó {seconds:.0f} s",
    "succeeded {age} ago{took}; one is running now":
        "tuvo éxito hace {age}{took}; hay una en curso ahora",
    "succeeded {age} ago{took}; the one started {started_age} ago was interrupted (killed?)":
        "tuvo éxito hace {age}{took}; la que empezó hace {started_age} se interrumpió "
        "(¿la mataron?)",
    "succeeded {age} ago{took}": "tuvo éxito hace {age}{took}",
    "no build warehouse to compare with": "no hay almacén de construcción con qué comparar",
    "a refresh is running: not compared": "hay una actualización en curso: no se comparó",
    "build warehouse unreadable: {error}": "almacén de construcción ilegible: {error}",
    "the warehouse holds every change of the {length} source tables":
        "el almacén tiene todos los cambios de las {length} tablas de origen",
    "{rows} changed rows in {length} tables not loaded yet ({tables}); oldest {age} old":
        "{rows} filas cambiadas en {length} tablas aún sin cargar ({tables}); la más vieja "
        "de hace {age}",
    ", beyond {max_age}: run `seiton refresh`": ", más de {max_age}: ejecute `seiton refresh`",
    "{gib:.1f} GiB free under {home} (a refresh needs room for a second copy of the marts)":
        "{gib:.1f} GiB libres en {home} (una actualización necesita lugar para una segunda "
        "copia de los marts)",
    "{gib:.1f} GiB free under {home}": "{gib:.1f} GiB libres en {home}",
    # --- meter exports (operational_app/meter_capture/)
    "column '{column}'": "columna '{column}'",
    "value {value!r}": "valor {value!r}",
    "is too large: {size:,} bytes, the limit is {limit:,} ({mb:g} MB; SEITON_IMPORT_MAX_MB "
    "changes it)":
        "es demasiado grande: {size:,} bytes; el límite es {limit:,} ({mb:g} MB; "
        "SEITON_IMPORT_MAX_MB lo cambia)",
    "the database refused the file, nothing was written: {first}":
        "la base de datos rechazó el archivo; no se escribió nada: {first}",
    "does not match the profile's date format {fmt}":
        "no coincide con el formato de fecha del perfil {fmt}",
    "is required (a lifetime counter)": "es obligatorio (un contador acumulado)",
    "is not a whole page counter": "no es un contador de páginas entero",
    "is not a page counter (digits only)": "no es un contador de páginas (solo dígitos)",
    "is not a page counter (digits only, '{thousands}' between thousands)":
        "no es un contador de páginas (solo dígitos, '{thousands}' entre miles)",
    "is too large for a page counter": "es demasiado grande para un contador de páginas",
    "is required (the reading's date)": "es obligatorio (la fecha de la lectura)",
    "the file is UTF-8, not {encoding} as profile {name} says (accented letters would be "
    "garbled)":
        "el archivo está en UTF-8, no en {encoding} como dice el perfil {name} (los acentos "
        "saldrían mal)",
    "the file has no header row (after {skip_rows} line(s) skipped)":
        "el archivo no tiene fila de encabezado (tras saltar {skip_rows} línea(s))",
    "is not {encoding} (byte offset {start}): the file is in another encoding than profile "
    "{name} says":
        "no es {encoding} (byte {start}): el archivo tiene otra codificación que la que dice "
        "el perfil {name}",
    "malformed CSV: {exc}": "CSV mal formado: {exc}",
    "profile {name} reads this column ({product}) but the file's header has no such column "
    "(it has: {shown})":
        "el perfil {name} lee esta columna ({product}) pero el encabezado del archivo no la "
        "tiene (tiene: {shown})",
    "the row has {length} cells: no cell for this column":
        "la fila tiene {length} celdas: ninguna para esta columna",
    "is required (the device's serial number)": "es obligatorio (el número de serie del equipo)",
    "the colour counter exceeds the total counter ({raw_mono}): mono = total − color would be "
    "negative":
        "el contador de color excede el contador total ({raw_mono}): mono = total − color "
        "sería negativo",
    "line {line} has another reading of device {serial} on {read_on} with different counters "
    "(mono {mono}, color {color}; here mono {mono2}, color {color2})":
        "la línea {line} tiene otra lectura del equipo {serial} del {read_on} con otros "
        "contadores (mono {mono}, color {color}; aquí mono {mono2}, color {color2})",
    # --- CFDI files (operational_app/cfdi/importer.py)
    "is too large: {size:,} bytes, the limit is {limit:,} bytes (SEITON_IMPORT_MAX_MB)":
        "es demasiado grande: {size:,} bytes; el límite es {limit:,} bytes "
        "(SEITON_IMPORT_MAX_MB)",
    "the database refused the batch, nothing of it was written: {first}":
        "la base de datos rechazó el lote; no se escribió nada de él: {first}",
    "the period must be a month as YYYY-MM, not {text!r}":
        "el periodo debe ser un mes AAAA-MM, no {text!r}",
}
