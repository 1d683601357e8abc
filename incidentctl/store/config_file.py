"""Read ``.incidentctl.yaml`` strictly; its default text is what ``init`` writes."""

from __future__ import annotations

from pydantic import ValidationError

from incidentctl.core.errors import RecordError
from incidentctl.models.config import Config
from incidentctl.models.policy import PolicyTests
from incidentctl.store.atomic import read_bytes
from incidentctl.store.layout import CONFIG_FILE, Layout
from incidentctl.store.validation import problems
from incidentctl.yamlio.frontmatter import Document, decode
from incidentctl.yamlio.strict import YamlProblem, load


def parse_config(raw: bytes, shown: str = CONFIG_FILE) -> Config:
    """Validate config bytes; errors name the file, line and key."""
    try:
        data, lines = load(decode(raw))
    except YamlProblem as exc:
        raise RecordError(exc.message, path=shown, line=exc.line) from None
    if not isinstance(data, dict):
        raise RecordError("configuration must be a YAML mapping", path=shown, line=1)
    doc = Document(meta=data, body="", lines=lines)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        first = problems(exc, doc)[0]
        return_error = RecordError(f"{first.field}: {first.message}", path=shown, line=first.line)
        raise return_error from None
    inconsistent = config.consistency()
    if inconsistent:
        where, message = inconsistent[0]
        field = ".".join(str(p) for p in where)
        raise RecordError(f"{field}: {message}", path=shown, line=doc.line_of(where))
    return config


POLICY_TESTS_FILE = "policy-tests.yaml"


def read_policy_tests(layout: Layout) -> PolicyTests:
    """The policy's fixture cases (``policy-tests.yaml``)."""
    path = layout.root / POLICY_TESTS_FILE
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        raise RecordError(
            "file is missing; `incidentctl init` writes an example", path=POLICY_TESTS_FILE
        ) from None
    try:
        data, lines = load(decode(raw))
    except YamlProblem as exc:
        raise RecordError(exc.message, path=POLICY_TESTS_FILE, line=exc.line) from None
    doc = Document(meta=data if isinstance(data, dict) else {}, body="", lines=lines)
    try:
        return PolicyTests.model_validate(data)
    except ValidationError as exc:
        first = problems(exc, doc)[0]
        raise RecordError(
            f"{first.field}: {first.message}", path=POLICY_TESTS_FILE, line=first.line
        ) from None


def read_config(layout: Layout) -> Config:
    """The repo's configuration."""
    try:
        raw = read_bytes(layout.config)
    except OSError as exc:
        raise RecordError(f"cannot read: {exc.strerror}", path=CONFIG_FILE) from None
    return parse_config(raw)


DEFAULT_CONFIG = """\
# yaml-language-server: $schema=.incidentctl/schemas/config.schema.json
# incidentctl configuration. Reference: docs/file-format.md#configuration
version: 1

# Wall-clock times typed without an offset (--at 14:05) are read in this zone.
# Everything is stored in UTC.
timezone: UTC

# Known services and categories. When a list is non-empty, declare accepts only its names.
services: []
categories: []

# Report: an incident repeats an earlier one when their root-cause classes match within
# this many days (and, if repeat_same_service is true, they share a service).
repeat_lookback_days: 365
repeat_same_service: false

# Lint: rules to disable for this repo (ids like secrets/detected, or a family like
# chronology), and whether warnings fail the run.
lint:
  disable: []
  strict: false

# Severity policy: levels from most to least severe, modelled on the public
# PagerDuty incident response documentation. Rename levels, add levels and change
# every number; `incidentctl lint` validates this file.
severities:
  - name: sev1
    intent: Critical issue that warrants public notification and liaison with executives.
    criteria:
      - A customer-facing service is down or unusable for most customers
      - Confirmed data loss, data corruption or a security breach
      - Payments or sign-in failing broadly
    examples:
      - Checkout returns errors for every customer
      - Customer data exposed to other customers
    response:
      page: true
      required_roles: [commander, operations, communications, scribe]
      roles_within_minutes: 15
      internal_update_minutes: 30
      customer_update_minutes: 30
      surfaces: [internal, status-page, executive]
      postmortem_required: true
      review_window_days: 3
      action_due_days: 14
  - name: sev2
    intent: Critical system issue actively impacting many customers' ability to use the product.
    criteria:
      - A major feature is failing for a significant share of customers
      - Significant performance degradation visible to customers
    examples:
      - Search times out for a third of requests
      - EU payments failing while other regions work
    response:
      page: true
      required_roles: [commander, operations, communications]
      roles_within_minutes: 30
      internal_update_minutes: 60
      customer_update_minutes: 60
      surfaces: [internal, status-page]
      postmortem_required: true
      review_window_days: 5
      action_due_days: 30
  - name: sev3
    intent: Stability or minor customer-facing issue that needs its owners' attention now.
    criteria:
      - A minor feature is degraded, with a workaround
      - Redundancy is lost and the next failure would impact customers
    examples:
      - One availability zone of the database cluster is down
      - Report exports delayed by an hour
    response:
      page: true
      required_roles: [commander]
      roles_within_minutes: 60
      internal_update_minutes: 120
      surfaces: [internal]
      postmortem_required: false
      action_due_days: 60
  - name: sev4
    intent: Minor issue that needs action but does not affect customers' use of the product.
    criteria:
      - Internal tooling degraded
      - A non-critical batch job failing
    examples:
      - The staging deploy pipeline is broken
    response:
      page: false
      surfaces: [internal]
      action_due_days: 90
  - name: sev5
    intent: Cosmetic issue or bug with no effect on customers' use of the product.
    criteria:
      - Cosmetic defects, typos, misleading log lines
    examples:
      - A dashboard graph has the wrong unit
    response:
      page: false
      surfaces: [internal]
      action_due_days: 120

# Classification: `incidentctl classify` asks these questions; the first rule whose
# conditions all hold gives the severity. Conditions: true/false for yes-no questions,
# '>=50', '<10' or '25' for percent and number questions. Keep a final catch-all rule.
classification:
  questions:
    - id: data_loss
      ask: Is customer data lost, corrupted or exposed?
    - id: security_breach
      ask: Is this a security breach or an active attack?
    - id: customer_facing
      ask: Can customers see the problem?
    - id: users_affected
      ask: What share of customers is affected?
      kind: percent
    - id: internal_impact
      ask: Are internal tools or redundancy affected?
  rules:
    - severity: sev1
      when: {data_loss: true}
      because: Confirmed data loss, corruption or exposure is always SEV1.
    - severity: sev1
      when: {security_breach: true}
      because: A security breach is always SEV1.
    - severity: sev1
      when: {customer_facing: true, users_affected: ">=50"}
      because: Most customers are affected.
    - severity: sev2
      when: {customer_facing: true, users_affected: ">=10"}
      because: A significant share of customers is affected.
    - severity: sev3
      when: {customer_facing: true}
      because: Customers can see it, but few are affected.
    - severity: sev4
      when: {internal_impact: true}
      because: Only internal tools or redundancy are affected.
    - severity: sev5
      because: No customer or internal impact; cosmetic.

# Paging: a command run with the incident as JSON on stdin, without a shell, when an
# incident is declared or escalated to a level with `page: true`. Its outcome is kept in
# the timeline. Example: page: [pd-send, --routing-key-file, /etc/pd.key]
hooks:
  page: []
  timeout_seconds: 30

# Alerts: deduplicated by fingerprint, grouped by these labels within the window.
# auto_declare: e.g. - {match: {alertname: CheckoutDown}, severity: sev1}
alerts:
  group_by: [service, alertname]
  group_window_minutes: 30
  auto_declare: []
  flush_seconds: 30

# Runbooks: automated steps must have been exercised (game day or incident) this recently.
runbooks:
  exercise_within_days: 90

# Coordination roles. `incidentctl assign <id> <role> <person>`; a second assignment
# of the same role is a handoff.
roles:
  - name: commander
    title: Incident Commander
    responsibilities:
      - Owns the incident until it is resolved or handed off explicitly
      - Decides severity, delegates work and approves risky actions
      - Keeps the update cadence going
    not_responsible_for:
      - Investigating or fixing the problem hands-on
  - name: operations
    title: Operations Lead
    responsibilities:
      - Leads the technical investigation and the mitigation
      - Proposes risky actions to the commander
    not_responsible_for:
      - Writing customer communications
  - name: communications
    title: Communications Lead
    responsibilities:
      - Writes and posts internal, customer and executive updates on cadence
    not_responsible_for:
      - Technical decisions
  - name: scribe
    title: Scribe
    responsibilities:
      - Records the timeline as it happens (incidentctl update)
    not_responsible_for:
      - Decisions
"""


DEFAULT_POLICY_TESTS = """\
# `incidentctl policy test` runs these cases: the answers must give this severity and
# response. Add a case whenever the policy must never change an outcome.
cases:
  - name: data loss is SEV1, pages, and needs a post-mortem within 3 days
    answers: {data_loss: true}
    expect: {severity: sev1, page: true, postmortem_required: true, review_window_days: 3}
  - name: a security breach pages
    answers: {security_breach: true, customer_facing: false}
    expect: {severity: sev1, page: true}
  - name: a third of customers failing is SEV2 and pages
    answers: {customer_facing: true, users_affected: 30%}
    expect: {severity: sev2, page: true, required_roles: [commander, operations, communications]}
  - name: few customers affected is SEV3
    answers: {customer_facing: true, users_affected: 2%}
    expect: {severity: sev3}
  - name: a cosmetic bug does not page
    answers: {customer_facing: false, internal_impact: false}
    expect: {severity: sev5, page: false}
"""
