"""The lint rules: stable ids, default severity and what each checks (docs/lint.md lists them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One check."""

    id: str
    severity: str
    summary: str
    # A rule about a response deadline (a role to fill, a review due): a warning until the
    # deadline passes, and never a reason to refuse a commit incidentctl makes itself.
    deadline: bool = False


_RULES = (
    Rule("schema/parse", "error", "the file is not well-formed frontmatter YAML"),
    Rule("schema/invalid", "error", "a field is missing, unknown, of the wrong type or malformed"),
    Rule("schema/config", "error", ".incidentctl.yaml is malformed or inconsistent"),
    Rule("schema/temp-file", "warning", "a temporary file left by an interrupted write"),
    Rule(
        "schema/partial-line",
        "warning",
        "a partial line in an alert spool file, left by an interrupted write",
    ),
    Rule("integrity/orphan-file", "error", "a file in a records folder that is not a record"),
    Rule("integrity/symlink", "error", "a symbolic link inside the records tree"),
    Rule("integrity/id-mismatch", "error", "a record's id does not match its file or folder"),
    Rule("integrity/duplicate-id", "error", "the same id is used by two records"),
    Rule(
        "integrity/missing-incident",
        "error",
        "an incident folder whose incident.md is missing or empty (every reader skips it)",
    ),
    Rule("integrity/duplicate-cycle", "error", "duplicate_of links that lead back to themselves"),
    Rule("integrity/declared", "error", "an incident without exactly one 'declared' event"),
    Rule("integrity/reference", "error", "a reference to a record that does not exist"),
    Rule(
        "integrity/possible-duplicate",
        "warning",
        "two incidents on the same service detected within 30 minutes of each other",
    ),
    Rule(
        "chronology/order",
        "error",
        "lifecycle times out of order (started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved)",
    ),
    Rule("chronology/future", "error", "a timestamp later than now"),
    Rule(
        "chronology/before-start",
        "warning",
        "an event (other than a correction) before the incident started: nothing can happen "
        "to an incident before it exists",
    ),
    Rule(
        "chronology/before-declared",
        "error",
        "an event before the declaration that is not marked as a backfill",
    ),
    Rule(
        "chronology/concurrent-transition",
        "warning",
        "two events deciding the same thing differently in clones that had not seen each other",
    ),
    Rule("policy/unknown-severity", "error", "a severity that the policy does not define"),
    Rule("policy/unknown-role", "error", "a role that the config does not define"),
    Rule(
        "policy/required-roles",
        "error",
        "a role the severity requires was not filled within roles_within_minutes",
        deadline=True,
    ),
    Rule(
        "policy/commander-is-operations",
        "warning",
        "the commander also leads operations where the severity requires both",
    ),
    Rule(
        "policy/postmortem-required",
        "error",
        "no post-mortem for an incident whose severity requires one, after the review window",
        deadline=True,
    ),
    Rule(
        "policy/action-overdue",
        "warning",
        "an open action item past its due date (an error with lint.overdue_actions: error)",
        deadline=True,
    ),
    Rule(
        "runbook/placement",
        "error",
        "an assisted/automated step without a command, or a manual step without instructions",
    ),
    Rule("runbook/review-overdue", "warning", "a runbook past its review_by date", deadline=True),
    Rule(
        "runbook/stale-step",
        "warning",
        "an automated step never exercised, or not within runbooks.exercise_within_days",
        deadline=True,
    ),
    Rule("catalog/invalid", "error", "a service catalog or people file cannot be read"),
    Rule(
        "catalog/reference",
        "warning",
        "a catalog entry names a team, system or group the catalog does not define",
    ),
    Rule(
        "catalog/unknown-service",
        "warning",
        "an incident names a service the service catalog does not list",
    ),
    Rule("fields/unknown", "warning", "a custom field the config does not declare"),
    Rule("fields/invalid", "error", "a custom field value of the wrong type or not allowed"),
    Rule(
        "fields/required",
        "error",
        "a required custom field unset on a resolved incident or a reviewed post-mortem",
    ),
    Rule("fields/unknown-type", "error", "an incident type the config does not define"),
    Rule(
        "private/narrative",
        "error",
        "a private incident's stub carries narrative (title, summary, messages, post-mortem)",
    ),
    Rule("secrets/detected", "error", "a secret (key, token, password) in a record"),
    Rule("blameless/human-error", "warning", "'human error' as an explanation"),
    Rule("blameless/should-have", "warning", "hindsight: 'should have'"),
    Rule("blameless/failed-to", "warning", "'failed to' about people"),
    Rule("blameless/careless", "warning", "judging people: careless, negligent, sloppy, …"),
    Rule("blameless/personal-fault", "warning", "'X's mistake/fault/error'"),
    Rule("blameless/blame", "warning", "blame, at fault, culprit"),
    Rule("blameless/person-as-cause", "warning", "a person named in a contributing factor"),
)
RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}


def register(rule: Rule) -> None:
    """Add a rule (used by record kinds that bring their own checks)."""
    RULES[rule.id] = rule


def matches(rule_id: str, selectors: frozenset[str]) -> bool:
    """Whether ``rule_id`` is named by a selector: the id itself or its family (``secrets``)."""
    return rule_id in selectors or rule_id.split("/", 1)[0] in selectors
