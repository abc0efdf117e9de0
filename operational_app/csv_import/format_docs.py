"""The CSV formats' reference in the reader's language (docs/conventions.md, "Messages").

The prose of `formats.py` — each file's summary and key note, each column's description and
type — is written there in English; this module owns its Spanish, keyed by the English text
exactly as `formats.py` writes it (as `operational_app/domain/messages.py` does for
messages), and renders the reference the import page shows. Column names stay as they are in
both languages: they are the headers the user must write, so they (and any other identifier,
such as a fixed value) are shown as code. `tests/csv_import/test_format_docs.py` checks that
every text has its Spanish.
"""

from __future__ import annotations

import re

from operational_app.csv_import.formats import KINDS, Column, FileFormat

# an identifier in the prose (a column, a fixed value) not yet written as code
_IDENT = re.compile(r"(?<![\w`./-])([a-z]+(?:_[a-z0-9]+)+)(?![\w`./-])")

WORDS: dict[str, dict[str, str]] = {
    "yes": {"es": "sí", "en": "yes"},
    "no": {"es": "no", "en": "no"},
    "column": {"es": "Columna", "en": "Column"},
    "required": {"es": "Obligatoria", "en": "Required"},
    "type": {"es": "Tipo", "en": "Type"},
    "description": {"es": "Descripción", "en": "Description"},
    "key": {"es": "Clave (identifica una fila al reimportar)",
            "en": "Key (recognises a row on re-import)"},
}

SPANISH: dict[str, str] = {
    # --- types (formats.KINDS)
    "text (a business key)": "texto (una clave de negocio)",
    "text": "texto",
    "date YYYY-MM-DD": "fecha AAAA-MM-DD",
    "timestamp YYYY-MM-DDTHH:MM[:SS][±HH:MM]": "fecha y hora AAAA-MM-DDTHH:MM[:SS][±HH:MM]",
    "amount, 2 decimals": "importe, 2 decimales",
    "decimal, up to 6 decimals": "decimal, hasta 6 decimales",
    "decimal": "decimal",
    "whole number": "número entero",
    "true / false": "`true` / `false`",
    "one of": "uno de",
    # --- fx_rates.csv
    "Exchange rates: MXN per unit of a foreign currency, per day (money KPIs convert USD "
    "amounts at the day's rate).":
        "Tipos de cambio: pesos por unidad de una moneda extranjera, por día (los KPI de "
        "dinero convierten los importes en USD al tipo del día).",
    "the day the rate applies to": "el día al que aplica el tipo",
    "the foreign currency": "la moneda extranjera",
    "pesos per unit of the currency, > 0": "pesos por unidad de la moneda, > 0",
    # --- accounts.csv
    "Customers and prospects.": "Clientes y prospectos.",
    "the account's business key": "la clave de negocio de la cuenta",
    "legal or trade name": "razón social o nombre comercial",
    "RFC (3–4 letters, YYMMDD, 3-character homoclave); stored upper-case":
        "RFC (3–4 letras, AAMMDD, homoclave de 3 caracteres); se guarda en mayúsculas",
    "e.g. corporativo, gobierno, educación, salud, pyme":
        "p. ej. corporativo, gobierno, educación, salud, pyme",
    "e.g. CDMX, Jalisco, Baja California": "p. ej. CDMX, Jalisco, Baja California",
    "IVA as a fraction: 0.16, or 0.08 in the border region (below 1)":
        "IVA como fracción: 0.16, o 0.08 en la región fronteriza (menor que 1)",
    "the CFDI Receptor's fiscal postal code: 5 digits of the SAT's c_CodigoPostal":
        "el código postal fiscal del Receptor del CFDI: 5 dígitos del catálogo "
        "c_CodigoPostal del SAT",
    "the Receptor's régimen fiscal, a c_RegimenFiscal code (e.g. 601), fitting the RFC's kind":
        "el régimen fiscal del Receptor, una clave de c_RegimenFiscal (p. ej. 601) acorde "
        "al tipo de RFC",
    "uso CFDI, a c_UsoCFDI code (e.g. G03; empty = G03 at export)":
        "uso CFDI, una clave de c_UsoCFDI (p. ej. G03; vacío = G03 al exportar)",
    # --- opportunities.csv
    "Sales opportunities; each starts as `prospect` (that first stage change is recorded "
    "with it).":
        "Oportunidades de venta; cada una empieza como `prospect` (ese primer cambio de etapa "
        "se registra con ella).",
    "the opportunity's business key": "la clave de negocio de la oportunidad",
    "the account (accounts.csv)": "la cuenta (accounts.csv)",
    "the salesperson": "el vendedor",
    "estimated contract value, ≥ 0": "valor estimado del contrato, ≥ 0",
    "when it was created": "cuándo se creó",
    "MXN (default) or USD": "`MXN` (predeterminado) o `USD`",
    "e.g. referral, web, cold outreach": "p. ej. recomendación, web, prospección en frío",
    # --- opportunity_stage_changes.csv
    "Moves of an opportunity through prospect → qualified → diagnosis → proposal → "
    "negotiation → won | lost (forward only; won and lost are final). Rows are applied in "
    "date order.":
        "Avances de una oportunidad por `prospect` → `qualified` → `diagnosis` → `proposal` "
        "→ `negotiation` → `won` | `lost` (solo hacia adelante; `won` y `lost` son finales). "
        "Las filas se aplican por orden de fecha.",
    "The `prospect` row of each opportunity is written with the opportunity itself; a file "
    "may list it (same date as created_on) and it is then `unchanged`.":
        "La fila `prospect` de cada oportunidad se escribe con la oportunidad misma; un "
        "archivo puede incluirla (con la misma fecha que created_on) y entonces queda sin "
        "cambio.",
    "the opportunity (opportunities.csv)": "la oportunidad (opportunities.csv)",
    "the stage reached": "la etapa alcanzada",
    "when": "cuándo",
    "required when to_stage is lost (e.g. precio, competencia, sin presupuesto, pospuesto)":
        "obligatorio cuando to_stage es `lost` (p. ej. precio, competencia, sin presupuesto, "
        "pospuesto)",
    # --- proposals.csv
    "Proposals made for an opportunity (price and cost give the margin).":
        "Propuestas hechas para una oportunidad (precio y costo dan el margen).",
    "the proposal's business key": "la clave de negocio de la propuesta",
    "when it was presented": "cuándo se presentó",
    "total price, ≥ 0": "precio total, ≥ 0",
    "total cost, ≥ 0": "costo total, ≥ 0",
    "the opportunity's currency (default MXN)":
        "la moneda de la oportunidad (predeterminado `MXN`)",
    "draft, sent (default), accepted or rejected; a later import may move it forward":
        "`draft`, `sent` (predeterminado), `accepted` o `rejected`; una importación "
        "posterior puede avanzarla",
    # --- contracts.csv
    "Contracts. `activated_on` and `closed_on` import a contract that is already active or "
    "closed (history from an earlier system); a contract formalized in Seiton is activated "
    "through formalization_steps.csv instead.":
        "Contratos. `activated_on` y `closed_on` importan un contrato que ya está activo o "
        "cerrado (historia de un sistema anterior); un contrato formalizado en Seiton se "
        "activa en cambio con formalization_steps.csv.",
    "the contract's business key": "la clave de negocio del contrato",
    "the customer (accounts.csv)": "el cliente (accounts.csv)",
    "first day of the term": "primer día de la vigencia",
    "last day of the term (after start_date); a later renewal moves it, the file may keep "
    "the first one":
        "último día de la vigencia (después de start_date); una renovación posterior la "
        "mueve, el archivo puede conservar la primera",
    "MXN or USD: every invoice of the contract uses it":
        "`MXN` o `USD`: todas las facturas del contrato la usan",
    "days from invoice to due date (0–365)": "días de la factura al vencimiento (0–365)",
    "activation date (on or after start_date); empty = not active yet":
        "fecha de activación (igual o posterior a start_date); vacío = aún no activo",
    "closure date; also writes the closure (reason closure_reason, default 'imported')":
        "fecha de cierre; también registra el cierre (motivo closure_reason, predeterminado "
        "`imported`)",
    "day of the month invoices are issued (1–28, default 1)":
        "día del mes en que se emiten las facturas (1–28, predeterminado 1)",
    "the won opportunity it comes from (opportunities.csv)":
        "la oportunidad ganada de la que viene (opportunities.csv)",
    "why it closed (only with closed_on; default 'imported')":
        "por qué se cerró (solo con closed_on; predeterminado `imported`)",
    # --- renewals.csv
    "Renewals: each extends the contract's term to new_end_date (the new term's prices are "
    "a price_plans.csv row). Imported before price plans, so a plan of the renewed term "
    "finds the contract long enough.":
        "Renovaciones: cada una extiende la vigencia del contrato hasta new_end_date (los "
        "precios de la nueva vigencia son una fila de price_plans.csv). Se importan antes "
        "que los planes de precios, para que un plan de la vigencia renovada encuentre el "
        "contrato ya extendido.",
    "the contract": "el contrato",
    "when the renewal was agreed": "cuándo se acordó la renovación",
    "the new last day of the term (after the current one)":
        "el nuevo último día de la vigencia (después del actual)",
    # --- price_plans.csv
    "A contract's price plan from a month on (docs/billing.md, \"Periods and plans\").":
        "El plan de precios de un contrato a partir de un mes (docs/billing.md, \"Periods "
        "and plans\").",
    "first day of a month, within the contract": "primer día de un mes, dentro del contrato",
    "fixed fee per month": "renta fija mensual",
    "monthly mono allowance, pooled across the contract's devices":
        "páginas mono incluidas al mes, compartidas entre los equipos del contrato",
    "monthly color allowance, pooled": "páginas color incluidas al mes, compartidas",
    "price per mono page over the allowance": "precio por página mono excedente",
    "price per color page over the allowance": "precio por página color excedente",
    "monthly commitment (a true-up is charged when fee + overage fall short)":
        "compromiso mensual (se cobra un ajuste cuando renta + excedente no lo alcanzan)",
    # --- price_tiers.csv
    "Graduated overage tiers of a price plan (like income-tax brackets).":
        "Tramos escalonados de excedente de un plan de precios (como las tarifas del ISR).",
    "the plan's effective_from (price_plans.csv)":
        "el effective_from del plan (price_plans.csv)",
    "mono or color": "`mono` o `color`",
    "first overage page the tier's rate applies to":
        "primera página excedente a la que aplica la tarifa del tramo",
    "price per page in this tier": "precio por página en este tramo",
    # --- sla_terms.csv
    "SLA terms of a contract from a date (business hours).":
        "Términos de SLA de un contrato a partir de una fecha (horas hábiles).",
    "from when the terms apply": "desde cuándo aplican los términos",
    "first-response target, business hours (> 0)":
        "meta de primera respuesta, horas hábiles (> 0)",
    "resolution target, business hours (≥ response)":
        "meta de solución, horas hábiles (≥ respuesta)",
    "device uptime target, % (0–100]": "meta de disponibilidad del equipo, % (0–100]",
    # --- formalization_steps.csv
    "The approval steps of a contract — legal_review, customer_registered, "
    "pricing_validated, sla_validated, internal_approval — approved or rejected, and "
    "`activated` (approved), which activates the contract once every step's latest decision "
    "is approved and a price plan is in force. Rows are applied in date order; the decider "
    "recorded is the importing user.":
        "Los pasos de aprobación de un contrato — legal_review, customer_registered, "
        "pricing_validated, sla_validated, internal_approval — aprobados (`approved`) o "
        "rechazados (`rejected`), y `activated` (`approved`), que activa el contrato cuando "
        "la última decisión de cada paso es aprobada y hay un plan de precios vigente. Las "
        "filas se aplican por orden de fecha; quien decide queda registrado como el usuario "
        "que importa.",
    "the step": "el paso",
    "approved or rejected (activated: approved)":
        "`approved` o `rejected` (`activated`: `approved`)",
    "comments (not for `activated`)": "comentarios (no para `activated`)",
    # --- implementation_plans.csv
    "One implementation plan per contract.": "Un plan de implementación por contrato.",
    "when the plan was made": "cuándo se hizo el plan",
    "promised go-live (on or after planned_on)":
        "arranque prometido (igual o posterior a planned_on)",
    # --- devices.csv
    "Devices installed under an active contract, with their opening meter counters.":
        "Equipos instalados bajo un contrato activo, con sus contadores iniciales.",
    "the device's serial number (business key)":
        "el número de serie del equipo (clave de negocio)",
    "the contract it serves": "el contrato al que sirve",
    "make and model": "marca y modelo",
    "install date (on or after the contract's activation)":
        "fecha de instalación (igual o posterior a la activación del contrato)",
    "removal date; empty = still installed": "fecha de retiro; vacío = sigue instalado",
    "mono counter at install, ≥ 0": "contador mono al instalar, ≥ 0",
    "color counter at install, ≥ 0": "contador color al instalar, ≥ 0",
    "a color device (default false)": "un equipo a color (predeterminado `false`)",
    "where it is installed": "dónde está instalado",
    # --- implementation_milestones.csv
    "Implementation milestones, once per contract each: software_configured, "
    "training_given, customer_acceptance.":
        "Hitos de implementación, cada uno una vez por contrato: software_configured, "
        "training_given, customer_acceptance.",
    "the milestone": "el hito",
    "when (on or after activation)": "cuándo (igual o posterior a la activación)",
    "comments": "comentarios",
    # --- maintenance_plans.csv
    "Preventive maintenance plan of a device (one per device).":
        "Plan de mantenimiento preventivo de un equipo (uno por equipo).",
    "the device (devices.csv)": "el equipo (devices.csv)",
    "months between visits (1–24)": "meses entre visitas (1–24)",
    "first due date": "primera fecha programada",
    # --- maintenance_visits.csv
    "Preventive visits: due date and, once done, the date done.":
        "Visitas preventivas: fecha programada y, ya hecha, la fecha en que se hizo.",
    "the visit's business key": "la clave de negocio de la visita",
    "when it is due": "cuándo toca",
    "when it was done; empty = pending": "cuándo se hizo; vacío = pendiente",
    # --- tickets.csv
    "Service tickets with their lifecycle: opened, first response, resolved (with "
    "first-time fix), closed. Times are local America/Mexico_City unless they carry an "
    "offset.":
        "Tickets de servicio con su ciclo de vida: apertura, primera respuesta, solución "
        "(con solución a la primera), cierre. Las horas son locales de America/Mexico_City "
        "salvo que lleven un desfase.",
    "the ticket's business key": "la clave de negocio del ticket",
    "the contract (activated)": "el contrato (activado)",
    "the type": "el tipo",
    "when it was opened": "cuándo se abrió",
    "default medium": "predeterminado `medium`",
    "the device concerned, if any (on the same contract)":
        "el equipo afectado, si lo hay (del mismo contrato)",
    "what happened (may span lines when quoted)":
        "qué pasó (puede ocupar varias líneas si va entre comillas)",
    "first response": "primera respuesta",
    "resolution": "solución",
    "fixed on the first visit (required with resolved_at for corrective tickets)":
        "resuelto en la primera visita (obligatorio con resolved_at en tickets correctivos)",
    "closure (after resolved_at)": "cierre (después de resolved_at)",
    # --- ticket_pauses.csv
    "Time a ticket waited on the customer (excluded from SLA clocks). A pause can only be "
    "added while the ticket is unresolved (docs/csv-import.md, \"Ticket pauses\").":
        "Tiempo en que un ticket esperó al cliente (fuera de los relojes del SLA). Una pausa "
        "solo se agrega mientras el ticket no está resuelto (docs/csv-import.md, \"Ticket "
        "pauses\").",
    "the ticket (tickets.csv)": "el ticket (tickets.csv)",
    "start of the wait": "inicio de la espera",
    "end of the wait; empty = still waiting": "fin de la espera; vacío = sigue esperando",
    # --- consumable_requests.csv
    "Consumable requests (toner, drums, …) and their delivery.":
        "Solicitudes de consumibles (tóner, tambores, …) y su entrega.",
    "the request's business key": "la clave de negocio de la solicitud",
    "what was requested": "qué se pidió",
    "how many (1–10,000)": "cuántos (1–10,000)",
    "when it was requested": "cuándo se pidió",
    "when it was delivered; empty = pending": "cuándo se entregó; vacío = pendiente",
    # --- device_events.csv
    "Device monitoring: the device went down or came back up.":
        "Monitoreo de equipos: el equipo dejó de responder o volvió a responder.",
    "up or down": "`up` o `down`",
    # --- meter_readings.csv
    "Meter readings (lifetime counters). Rows are applied in date order; a counter lower "
    "than the device's previous one is refused unless meter_reset is true (a replaced "
    "meter: the row holds the new meter's starting counters).":
        "Lecturas de contadores (contadores de vida). Las filas se aplican por orden de "
        "fecha; un contador menor que el anterior del equipo se rechaza salvo que "
        "meter_reset sea `true` (medidor reemplazado: la fila trae los contadores iniciales "
        "del medidor nuevo).",
    "An empty meter_reset is false.": "Un meter_reset vacío es `false`.",
    "date of the reading (not before install, not in the future)":
        "fecha de la lectura (no antes de la instalación, no en el futuro)",
    "mono lifetime counter": "contador de vida mono",
    "color lifetime counter": "contador de vida color",
    "agent (default) or manual": "`agent` (predeterminado) o `manual`",
    "true for a new meter's first reading (default false)":
        "`true` en la primera lectura de un medidor nuevo (predeterminado `false`)",
    # --- invoices.csv
    "Posted invoices (immutable: corrected by credit notes).":
        "Facturas emitidas (inmutables: se corrigen con notas de crédito).",
    "the invoice's business key": "la clave de negocio de la factura",
    "the contract billed": "el contrato facturado",
    "first day of the billed month (a billable month of the contract)":
        "primer día del mes facturado (un mes facturable del contrato)",
    "issue date (not before period_start)": "fecha de emisión (no antes de period_start)",
    "due date; empty = issued_on + the contract's payment terms":
        "fecha de vencimiento; vacío = issued_on + el plazo de pago del contrato",
    "before tax": "antes de impuestos",
    "tax": "impuesto",
    "must equal subtotal + tax_amount": "debe ser igual a subtotal + tax_amount",
    "must be the contract's currency": "debe ser la moneda del contrato",
    # --- credit_notes.csv
    "Credit notes against an invoice; together they never exceed the invoice total.":
        "Notas de crédito sobre una factura; juntas nunca exceden el total de la factura.",
    "the credit note's business key": "la clave de negocio de la nota de crédito",
    "the invoice corrected (invoices.csv)": "la factura corregida (invoices.csv)",
    "issue date (not before the invoice's)": "fecha de emisión (no antes de la de la factura)",
    "must equal subtotal + tax_amount, > 0": "debe ser igual a subtotal + tax_amount, > 0",
    "why": "por qué",
    # --- payments.csv
    "Payments received from an account (unapplied until payment_applications.csv assigns "
    "them).":
        "Pagos recibidos de una cuenta (sin aplicar hasta que payment_applications.csv los "
        "asigna).",
    "the payment's business key": "la clave de negocio del pago",
    "who paid (accounts.csv)": "quién pagó (accounts.csv)",
    "when the money arrived": "cuándo llegó el dinero",
    "> 0": "> 0",
    "MXN or USD": "`MXN` o `USD`",
    "e.g. transferencia, cheque": "p. ej. transferencia, cheque",
    # --- payment_applications.csv
    "Application of a payment to an invoice of the same account and currency; never more "
    "than the payment's unapplied amount or the invoice's open amount.":
        "Aplicación de un pago a una factura de la misma cuenta y moneda; nunca más que lo "
        "no aplicado del pago ni que el saldo abierto de la factura.",
    "the payment (payments.csv)": "el pago (payments.csv)",
    "the invoice (invoices.csv)": "la factura (invoices.csv)",
    "default: the later of the payment and invoice dates":
        "predeterminado: la fecha más reciente entre la del pago y la de la factura",
    # --- payment_reversals.csv
    "A bounced or mistaken payment: its applications stop counting (the payment itself "
    "stays posted).":
        "Un pago rebotado o equivocado: sus aplicaciones dejan de contar (el pago mismo "
        "sigue registrado).",
    "the reversal's business key": "la clave de negocio del reverso",
    "the payment reversed (payments.csv)": "el pago reversado (payments.csv)",
    "when (not before the payment)": "cuándo (no antes del pago)",
    # --- collection_actions.csv
    "Collection actions on an invoice; a promise to pay carries its date and amount.":
        "Acciones de cobranza sobre una factura; una promesa de pago lleva su fecha e "
        "importe.",
    "One action of a type per invoice and day.": "Una acción de cada tipo por factura y día.",
    "the action": "la acción",
    "when (not before the invoice's issue date)":
        "cuándo (no antes de la fecha de emisión de la factura)",
    "promise to pay only: the promised date": "solo promesa de pago: la fecha prometida",
    "promise to pay only: the promised amount": "solo promesa de pago: el importe prometido",
    # --- contract_reviews.csv
    "Contract performance reviews.": "Revisiones del desempeño de contratos.",
    "the conclusion (free text, e.g. renew, expand, at_risk)":
        "la conclusión (texto libre, p. ej. renew, expand, at_risk)",
    # --- amendments.csv
    "Contract amendments: devices added (delta > 0) or removed (< 0), price change (0).":
        "Adendas de contrato: equipos agregados (delta > 0) o retirados (< 0), cambio de "
        "precio (0).",
    "the amendment's business key": "la clave de negocio de la adenda",
    "the contract (not closed)": "el contrato (no cerrado)",
    "when (within the contract)": "cuándo (dentro del contrato)",
    "devices added (+) or removed (−); default 0":
        "equipos agregados (+) o retirados (−); predeterminado 0",
    "what changed": "qué cambió",
    # --- closures.csv
    "Contract closures (the contract's closed_on is set too). Imported last.":
        "Cierres de contrato (también fija el closed_on del contrato). Se importan al final.",
    "closure date (within the term)": "fecha de cierre (dentro de la vigencia)",
    "why (e.g. precio, competencia, fin de contrato)":
        "por qué (p. ej. precio, competencia, fin de contrato)",
    "devices taken back (default 0)": "equipos recogidos (predeterminado 0)",
}


def text(english: str, lang: str) -> str:
    """`english` (a text of formats.py) in `lang`, identifiers written as code."""
    shown = SPANISH.get(english, english) if lang == "es" else english
    return _IDENT.sub(r"`\1`", shown)


def word(key: str, lang: str) -> str:
    return WORDS[key].get(lang) or WORDS[key]["es"]


def kind_text(column: Column, lang: str) -> str:
    """The column's type: "fecha AAAA-MM-DD", "uno de `MXN`, `USD`"."""
    shown = text(KINDS[column.kind], lang)
    if column.kind == "choice":
        shown += " " + ", ".join(f"`{c}`" for c in column.choices)
    return shown


def cell(value: str) -> str:
    """A markdown table cell: a `|` of the prose must not split it."""
    return value.replace("|", "\\|").replace("\n", " ")


def reference(fmt: FileFormat, lang: str) -> str:
    """One file's reference as markdown: what it holds, its key and note, its columns."""
    parts = [text(fmt.summary, lang), ""]
    key = ", ".join(f"`{k}`" for k in fmt.key)
    parts.append(f"**{word('key', lang)}**: {key}"
                 + (f" — {text(fmt.key_note, lang)}" if fmt.key_note else ""))
    parts += ["", f"| {word('column', lang)} | {word('required', lang)} | {word('type', lang)} "
              f"| {word('description', lang)} |", "|---|---|---|---|"]
    for c in fmt.columns:
        parts.append(f"| `{c.name}` | {word('yes' if c.required else 'no', lang)} | "
                     f"{cell(kind_text(c, lang))} | {cell(text(c.doc, lang))} |")
    return "\n".join(parts)
