"""Stage 3: implementation plan, devices, milestones."""

from __future__ import annotations

from datetime import date

from operational_app.domain import billing
from operational_app.domain import implementation as impl

from .conftest import ACTOR, refused

DEVICE = {"serial": "SN2", "contract_number": "C1", "installed_on": "2026-01-10",
          "install_mono_counter": "0", "install_color_counter": "0"}


def test_plan(mk, session):
    mk.account()
    mk.contract()
    plan = impl.plan_implementation(session, ACTOR, contract_number="C1",
                                    planned_on="2026-01-02", planned_go_live="2026-02-01")
    assert plan.planned_go_live == date(2026, 2, 1)
    refused(session, impl.plan_implementation, "contract_number", "already has",
            contract_number="C1", planned_on="2026-01-02", planned_go_live="2026-02-01")


def test_plan_dates(mk, session):
    mk.account()
    mk.contract()
    refused(session, impl.plan_implementation, "planned_go_live", "planning date",
            contract_number="C1", planned_on="2026-01-02", planned_go_live="2026-01-01")
    refused(session, impl.plan_implementation, "planned_go_live", "within the contract",
            contract_number="C1", planned_on="2026-01-02", planned_go_live="2028-02-01")


def test_install_device(mk, session):
    mk.world()
    dev = impl.install_device(session, ACTOR, **DEVICE, is_color="true", model="MP C3004")
    assert dev.is_color is True and dev.install_mono_counter == 0
    refused(session, impl.install_device, "serial", "already exists", **DEVICE)


def test_install_needs_an_active_contract_and_dates_within_it(mk, session):
    mk.account()
    mk.contract()
    refused(session, impl.install_device, "contract_number", "not activated", **DEVICE)
    mk.plan()
    mk.approve_all()
    from operational_app.domain.formalization import activate_contract

    activate_contract(session, ACTOR, contract_number="C1", activated_on="2026-01-05")
    refused(session, impl.install_device, "installed_on", "activation",
            **DEVICE | {"installed_on": "2026-01-04"})
    refused(session, impl.install_device, "installed_on", "within the contract",
            **DEVICE | {"installed_on": "2028-01-04"})
    refused(session, impl.install_device, "install_mono_counter", "≥ 0",
            **DEVICE | {"install_mono_counter": "-1"})
    refused(session, impl.install_device, "install_color_counter", "required",
            **DEVICE | {"install_color_counter": ""})
    refused(session, impl.install_device, "removed_on", "install date",
            **DEVICE, removed_on="2026-01-09")


def test_remove_device(mk, session):
    dev = mk.world()
    dev = mk.device("SN2")
    billing.record_meter_reading(session, ACTOR, serial="SN2", read_on="2026-02-01",
                                 mono_counter=1500, color_counter=300)
    refused(session, impl.remove_device, "removed_on", "install date",
            serial="SN2", removed_on="2026-01-09")
    refused(session, impl.remove_device, "removed_on", "latest reading",
            serial="SN2", removed_on="2026-01-31")
    refused(session, impl.remove_device, "serial", "unknown device", serial="XX",
            removed_on="2026-02-01")
    impl.remove_device(session, ACTOR, serial="SN2", removed_on="2026-02-01")
    assert dev.removed_on == date(2026, 2, 1)
    refused(session, impl.remove_device, "serial", "already removed", serial="SN2",
            removed_on="2026-02-02")
    refused(session, billing.record_meter_reading, "read_on", "removal",
            serial="SN2", read_on="2026-02-02", mono_counter=1600, color_counter=300)


def test_milestones(mk, session):
    mk.world()
    m = impl.record_milestone(session, ACTOR, contract_number="C1",
                              milestone="training_given", done_on="2026-01-20")
    refused(session, impl.record_milestone, "milestone", "already recorded",
            contract_number="C1", milestone="training_given", done_on="2026-01-21")
    refused(session, impl.record_milestone, "done_on", "activation",
            contract_number="C1", milestone="customer_acceptance", done_on="2026-01-04")
    refused(session, impl.record_milestone, "milestone", "software_configured",
            contract_number="C1", milestone="installed", done_on="2026-01-21")
    impl.withdraw_milestone(session, ACTOR, contract_number="C1", milestone="training_given")
    assert m.deleted_at is not None
    again = impl.record_milestone(session, ACTOR, contract_number="C1",
                                  milestone="training_given", done_on="2026-01-22")
    assert again is m and m.deleted_at is None and m.done_on == date(2026, 1, 22)
    refused(session, impl.withdraw_milestone, "milestone", "not recorded",
            contract_number="C1", milestone="software_configured")


def test_milestone_needs_activation(mk, session):
    mk.account()
    mk.contract()
    refused(session, impl.record_milestone, "contract_number", "not activated",
            contract_number="C1", milestone="training_given", done_on="2026-01-20")
