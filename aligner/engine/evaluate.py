"""The rule engine: trace every open item, run the selected rules, waive, tally."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

from aligner.engine.findings import Finding, Violation
from aligner.engine.items import BacklogItem
from aligner.engine.rule import Rule
from aligner.engine.selectors import compile_buckets
from aligner.engine.trace import RunView, Tally, Trace, Tracer
from aligner.engine.waivers import Waivers
from aligner.model.load import LoadedConfig
from aligner.plugins.registry import link_schemes

RULE_ERROR_CODE = "AL000"  # the engine's own finding when a rule crashes; never on tickets


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """The compact per-item record reports aggregate (kept for every evaluated item)."""

    key: str
    source: str
    team: str | None
    aligned: bool
    objectives: tuple[str, ...]  # reached objective ids whose path is active
    chains: tuple[tuple[str, ...], ...]  # the active chains ("objective X", "bet Y", ...)
    reached: tuple[str, ...] = ()  # every reached objective id, active or not (for metrics)
    # (objective id, its case-folded link) for objectives reached through a link: the
    # strategy tree counts items per epic/project without keeping every item's ancestors
    links: tuple[tuple[str, str], ...] = ()
    bucket: str | None = None  # the allocation bucket accounting for it: never aligned


@dataclass
class Evaluation:
    """The result of one check run."""

    as_of: date
    fetched: int
    findings: list[Finding] = field(default_factory=list)
    outcomes: list[ItemOutcome] = field(default_factory=list)
    waivers: Waivers | None = None
    flagged: dict[str, ItemResult] = field(default_factory=dict)  # see `evaluate(keep=...)`
    allocation: Tally | None = None  # open work per pillar and bucket, when the model has one
    allocation_by_team: dict[str, Tally] = field(default_factory=dict)

    @property
    def evaluated(self) -> int:
        return len(self.outcomes)

    @property
    def aligned(self) -> int:
        return sum(o.aligned for o in self.outcomes)

    @property
    def accounted(self) -> int:
        """Open items an allocation bucket accounts for (not judged by alignment)."""
        return sum(o.bucket is not None for o in self.outcomes)


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One evaluated item: its trace and its findings (waivers applied)."""

    trace: Trace
    findings: list[Finding]

    @property
    def ticket_findings(self) -> list[Finding]:
        """Findings that belong on the ticket: item-level and not waived."""
        return [f for f in self.findings if f.on_ticket and not f.waived]


class Evaluator:
    """Traces and checks items one at a time against one model, graph and date."""

    def __init__(self, config: LoadedConfig, graph: Mapping[str, BacklogItem],
                 as_of: date) -> None:
        model = config.model
        prefixes = {name: s.objective_label_prefix
                    for name, s in config.trackers.items()}
        self.config = config
        buckets = compile_buckets({k: b.match for k, b in model.allocation.buckets.items()}
                                  if model.allocation else {})
        self.tracer = Tracer(model, graph, as_of, prefixes, config.claims, link_schemes(),
                             buckets)
        self.waivers = Waivers.build(model.waivers, config.waiver_codes, as_of,
                                     model.writeback.waive_label)
        self.item_rules = [r for r in config.rule_set.rules if r.scope == "item"]

    def item(self, item: BacklogItem) -> ItemResult:
        """Trace `item` and run the item rules on it (whether or not it is open)."""
        trace = self.tracer.trace(item)
        found = [self.waivers.apply(f, item)
                 for f in _item_findings(self.config, self.item_rules, trace)]
        return ItemResult(trace, found)


def evaluate(config: LoadedConfig, graph: Mapping[str, BacklogItem], as_of: date,
             fetched: int | None = None, keep: Collection[str] = ()) -> Evaluation:
    """Check every open issue in `graph`, then run the run-level rules.

    For items of the sources in `keep` that have findings for their ticket, the trace is kept
    (`Evaluation.flagged`) for the write planner; other traces are dropped as soon as the
    item is counted, so memory stays bounded by the findings.
    """
    evaluator = Evaluator(config, graph, as_of)
    result = Evaluation(as_of, len(graph) if fetched is None else fetched,
                        waivers=evaluator.waivers)
    view = run_view(config, evaluator.tracer, as_of)
    for item in graph.values():
        if not item.evaluated:
            continue
        one = evaluator.item(item)
        view.count(one.trace)
        result.findings.extend(one.findings)
        result.outcomes.append(_outcome(one.trace))
        if item.source in keep and one.ticket_findings:
            result.flagged[item.key] = one
    result.allocation, result.allocation_by_team = view.allocation, dict(view.allocation_by_team)
    for rule in config.rule_set.rules:
        if rule.scope == "run":
            result.findings.extend(evaluator.waivers.apply(f, None)
                                   for f in _run_findings(config, rule, view))
    return result


def run_view(config: LoadedConfig, tracer: Tracer, as_of: date) -> RunView:
    """An empty run view over the model; allocation tallies only when the model has one."""
    model = config.model
    return RunView(as_of, model=model, statuses=tracer.statuses(),
                   allocation=Tally() if model.allocation is not None else None)


def find_item(graph: Mapping[str, BacklogItem], key: str) -> BacklogItem | None:
    """The item named `key`, exactly or else ignoring case; None when not in the graph."""
    found = graph.get(key)
    if found is not None:
        return found
    folded = key.casefold()
    return next((i for k, i in graph.items() if k.casefold() == folded), None)


def _item_findings(config: LoadedConfig, rules: list[Rule], trace: Trace) -> list[Finding]:
    item = trace.item
    out: list[Finding] = []
    for rule in rules:
        try:
            violations = list(rule.check(trace))
        except Exception as error:  # a broken rule must not kill the run (DESIGN §11)
            out.append(_crash(rule, item, trace.holder, error))
            continue
        if not violations:  # the common case: most rules pass most items
            continue
        severity = config.rule_set.severity(rule)
        out.extend(
            Finding(rule.code, rule.name, severity, item.key, item.source, item.url,
                    v.team or trace.holder, v.message, v.fix)
            for v in violations
        )
    return out


def _run_findings(config: LoadedConfig, rule: Rule, view: RunView) -> list[Finding]:
    try:
        violations: list[Violation] = list(rule.check_run(view))
    except Exception as error:
        return [_crash(rule, None, None, error)]
    severity = config.rule_set.severity(rule)
    return [Finding(rule.code, rule.name, severity, v.item, None, None, v.team, v.message,
                    v.fix, on_ticket=False) for v in violations]


def _crash(rule: Rule, item: BacklogItem | None, team: str | None,
           error: Exception) -> Finding:
    where = f" on {item.key}" if item else ""
    return Finding(
        RULE_ERROR_CODE, "rule-error", "error", item.key if item else None,
        item.source if item else None, item.url if item else None, team,
        f"rule {rule.code} ({rule.name}) crashed{where}: {type(error).__name__}: {error}",
        f"report this to the maintainer of rule {rule.code}; other rules still ran",
        on_ticket=False,
    )


def _outcome(trace: Trace) -> ItemOutcome:
    active = [r.status for r in trace.reached if r.status.state == "aligned"]
    return ItemOutcome(trace.item.key, trace.item.source, trace.holder,
                       trace.aligned and trace.bucket is None,
                       tuple(s.objective for s in active), tuple(s.chain for s in active),
                       tuple(r.status.objective for r in trace.reached),
                       tuple((r.status.objective, r.link) for r in trace.reached if r.link),
                       trace.bucket)
