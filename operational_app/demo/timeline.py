"""Planned writes in business-date order, executed through the domain layer.

Each operation names a domain function (`module.function`), the acting user and its
fields. They run in (date, priority, planning order) order — so an install precedes its
readings and a device's last reading precedes its removal on the same day — in one write
transaction per simulated week. Fields may be a callable evaluated at execution time, for
numbers that follow issue order (invoices, credit notes, payments).
"""

from __future__ import annotations

import heapq
import importlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from operational_app.domain.errors import ValidationError
from operational_app.store.engine import write_session

# priorities within one day
P_SETUP = 0  # users, exchange rates
P_SALES = 1
P_CONTRACT = 2
P_IMPLEMENTATION = 3
P_READING = 4
P_OPERATION = 5
P_BILLING = 6
P_RENEWAL = 7
P_REMOVAL = 8
P_CLOSURE = 9

Fields = dict[str, Any] | Callable[[], dict[str, Any]]


class GenerationError(RuntimeError):
    """The domain layer refused a planned write: a bug in the generator (or the domain)."""


@dataclass(order=True)
class Op:
    day: date
    prio: int
    seq: int
    module: str = field(compare=False)
    func: str = field(compare=False)
    actor: str = field(compare=False)
    fields: Fields = field(compare=False)


class Timeline:
    def __init__(self) -> None:
        self._heap: list[Op] = []
        self._seq = 0
        self.numbers: Counter[str] = Counter()

    def add(self, day: date, prio: int, module: str, func: str, actor: str,
            fields: Fields) -> None:
        self._seq += 1
        heapq.heappush(self._heap, Op(day, prio, self._seq, module, func, actor, fields))

    def next_number(self, series: str, width: int = 6) -> str:
        self.numbers[series] += 1
        return f"{series}-{self.numbers[series]:0{width}d}"

    def pop_through(self, last: date) -> Iterator[Op]:
        while self._heap and self._heap[0].day <= last:
            yield heapq.heappop(self._heap)

    def __len__(self) -> int:
        return len(self._heap)


_FUNCS: dict[tuple[str, str], Callable[..., Any]] = {}


def _domain_function(module: str, func: str) -> Callable[..., Any]:
    key = (module, func)
    if key not in _FUNCS:
        mod = importlib.import_module(f"operational_app.domain.{module}")
        _FUNCS[key] = getattr(mod, func)
    return _FUNCS[key]


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Executor:
    """Runs operations in order, one transaction per ISO week; counts what it wrote."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.calls: Counter[str] = Counter()

    def run(self, ops: Iterator[Op]) -> int:
        batch: list[Op] = []
        week = None
        done = 0
        for op in ops:
            w = week_of(op.day)
            if week is not None and w != week and batch:
                done += self._commit(batch)
                batch = []
            week = w
            batch.append(op)
        if batch:
            done += self._commit(batch)
        return done

    def _commit(self, batch: list[Op]) -> int:
        with write_session(self.url) as session:
            for op in batch:
                fields = op.fields() if callable(op.fields) else op.fields
                fn = _domain_function(op.module, op.func)
                try:
                    fn(session, op.actor, **fields)
                except ValidationError as exc:
                    raise GenerationError(
                        f"{op.day} {op.module}.{op.func} as {op.actor} {fields!r}: {exc}"
                    ) from exc
                self.calls[f"{op.module}.{op.func}"] += 1
        return len(batch)
