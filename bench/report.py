"""The README's Figures block from the latest bench/results/*.json of each scale.

    python -m bench.report            # print the Markdown
    python -m bench.report --write    # replace the README between the bench markers

Only the text between `<!-- bench:start -->` and `<!-- bench:end -->` is touched.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.run import TARGETS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def latest(scale: str) -> tuple[str, dict] | None:
    files = sorted(RESULTS.glob(f"*-{scale}.json"))
    return (files[-1].name, json.loads(files[-1].read_text())) if files else None


def s(x: float | None, unit: str = "s") -> str:
    if x is None:
        return "—"
    return f"{x:.1f} {unit}" if x >= 10 else f"{x:.2f} {unit}"


def mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " **✗ missed**")


def scale_rows(name: str, res: dict) -> list[str]:
    st = res["steps"]
    g = lambda k, f="median_s": (st.get(k) or {}).get(f)  # noqa: E731
    q = res.get("queries") or []
    worst = max(q, key=lambda x: x["p95_s"]) if q else None
    t = res.get("targets", {})
    large = name == "large"
    full, peak = g("full.total"), g("full.total", "peak_mib") or 0
    inc, share = g("incremental.total"), g("incremental.total", "share_of_full") or 0
    if name == "small":
        full_target, full_ok = "< 60 s", full is not None and full < t.get("refresh_small_s", 60)
    elif large:
        full_target = "< 10 min, peak < 6 GiB"
        full_ok = (full is not None and full < t.get("refresh_large_s", 600)
                   and peak < t.get("refresh_large_peak_mib", 6144))
    else:
        full_target, full_ok = "(large: < 10 min)", None
    inc_target = "< 60 s and < 10 % of full" if large else "(large: < 60 s, < 10 % of full)"
    inc_ok = (inc is not None and inc < t.get("incremental_large_s", 60)
              and share < t.get("incremental_share", 0.10)) if large else None
    ratio = g("readings.dlt", "ratio") or 0
    p95 = worst["p95_s"] if worst else None
    return [
        f"| {name}: generation ({st['generation'].get('path')}, "
        f"{st['generation'].get('meter_readings', 0):,} readings) | — | "
        f"{s(g('generation'))} (n={st['generation']['n']}) |",
        f"| {name}: full refresh (load + build + publish), median of "
        f"{res['meta']['runs']} | {full_target} | "
        f"{s(full)} = {s(g('full.load'))} + {s(g('full.build'))} + "
        f"{s(g('full.publish'))}; peak {peak:.0f} MiB{mark(full_ok)} |",
        f"| {name}: incremental refresh, one new day | {inc_target} | "
        f"{s(inc)} = {s(g('incremental.load'))} + "
        f"{s(g('incremental.build'))} + {s(g('incremental.publish'))}; "
        f"{100 * share:.0f} % of full{mark(inc_ok)} |",
        f"| {name}: dlt load of meter_readings vs plain connectorx → Arrow → CTAS | ≤ 1.5 | "
        f"**{ratio:.2f}** (dlt {s(g('readings.dlt'))}; plain "
        f"{s(g('readings.plain (1 read)'))} one read, "
        f"{s(g('readings.plain (2 id ranges)'))} two ranges; ratio vs one read "
        f"{g('readings.dlt', 'ratio_vs_single_read') or 0:.2f})"
        f"{mark(ratio <= t.get('dlt_ratio', 1.5)) if name != 'small' else ''} |",
        f"| {name}: dashboard queries, warm ({len(q)} queries behind "
        f"{len({x['page'] for x in q})} pages' default views) | "
        f"p95 < 500 ms{'' if large else ' (large)'} | worst p95 "
        f"{(p95 * 1000) if worst else 0:.0f} ms ({worst['page'] if worst else '—'})"
        f"; worst p50 {max((x['p50_s'] for x in q), default=0) * 1000:.0f} ms"
        f"{mark(p95 < t.get('query_p95_s', 0.5)) if large and worst else ''} |",
    ]


def render() -> str:
    lines = [START, "", "| what | target (docs/quality-targets.md) | measured |", "|---|---|---|"]
    machine, sources, form, loads = None, [], None, []
    form_from = ""
    for scale in ("small", "medium", "large"):
        got = latest(scale)
        if got is None:
            continue
        name, res = got
        sources.append(f"`bench/results/{name}`")
        loads.append(f"{scale} {res['meta']['machine']['load_avg_start'][0]:.1f}→"
                     f"{res['meta']['load_avg_end'][0]:.1f}")
        machine = res["meta"]["machine"]
        lines += scale_rows(scale, res)
        if res.get("form_submit") and (form is None or name > form_from):
            form, form_from = res["form_submit"], name  # the newest run's
    if form:
        lines.append(f"| form submit, 8 concurrent writers (SQLite; newest run, {form_from[:16]}) "
                     "| p95 < 200 ms | "
                     f"p95 {form.get('p95_s', 0) * 1000:.0f} ms, median "
                     f"{form.get('median_s', 0) * 1000:.0f} ms"
                     f"{mark(form.get('p95_s', 1) < TARGETS['form_p95_s'])} |")
    if latest("large") is None:
        lines.append("| large: full refresh < 10 min, < 6 GiB; incremental < 60 s | see left | "
                     "**not measured** (`make bench SCALE=large`) |")
    lines += [
        "| `make demo` on a fresh machine, to the app answering | < 5 min | not measured "
        "by the benchmark |",
        "",
    ]
    if machine:
        lines.append(f"Machine: {machine['cpus']} cores, {machine['mem_gib']} GiB, "
                     f"{machine['platform']}, Python {machine['python']}; **shared and "
                     "loaded** (other engineers' test runs; 1-min load average at start→end: "
                     + ", ".join(loads) + "). Medians of 3 runs (1 where n says so); each step in its own process; peak = max "
                     "RSS of the step and its children. Sources: " + ", ".join(sources) + ".")
    lines += ["Method, what changed for speed, and what would close the misses: "
              "docs/performance.md.", "", END]
    return "\n".join(lines)


def write_readme(block: str) -> None:
    path = ROOT / "README.md"
    text = path.read_text()
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        marker = "## Figures\n"
        i = text.index(marker) + len(marker)
        text = text[:i] + "\n" + block + "\n" + text[i:]
    path.write_text(text)


if __name__ == "__main__":
    block = render()
    if "--write" in sys.argv:
        write_readme(block)
    print(block)
