"""Real-shaped Backstage descriptors: two teams, a system, users in groups."""

from __future__ import annotations

from pathlib import Path

COMPONENTS = """\
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: checkout
  description: Everything between the basket and the receipt
spec:
  owner: group:default/payments
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-api
  annotations:
    github.com/project-slug: acme/checkout-api
    pagerduty.com/service-id: PX1234
  tags: [python, grpc]
spec:
  type: service
  lifecycle: production
  owner: group:default/payments
  system: checkout
  dependsOn:
    - component:default/payments-db
    - resource:default/orders-queue
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-db
spec:
  type: database
  lifecycle: production
  owner: payments
  system: checkout
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: checkout-rest
spec:
  type: openapi
  lifecycle: production
  owner: payments
  definition: "openapi: 3.0.0"
"""

SEARCH = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: search
  title: Product search
spec:
  type: service
  lifecycle: production
  owner: group:discovery
"""

ORG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
spec:
  type: team
  profile:
    displayName: Payments Team
    email: payments@acme.example
  parent: engineering
  children: []
  members: [alice]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: discovery
spec:
  type: team
  profile:
    displayName: Discovery
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
spec:
  profile:
    displayName: Alice Adams
    email: alice@acme.example
  memberOf: [payments]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: bob
spec:
  profile:
    displayName: Bob Ops
    email: bob@acme.example
  memberOf: [group:default/discovery]
"""


def write_backstage(folder: Path) -> None:
    """A folder of descriptors as teams keep them: one per service, one for the org."""
    (folder / "checkout").mkdir(parents=True, exist_ok=True)
    (folder / "search").mkdir(parents=True, exist_ok=True)
    (folder / "checkout" / "catalog-info.yaml").write_text(COMPONENTS, encoding="utf-8")
    (folder / "search" / "catalog-info.yaml").write_text(SEARCH, encoding="utf-8")
    (folder / "org.yaml").write_text(ORG, encoding="utf-8")


def use_locations(repo: Path, *locations: str, extra: str = "") -> None:
    """Point the config at ``locations`` (and add ``extra`` YAML)."""
    config = repo / ".incidentctl.yaml"
    text = config.read_text(encoding="utf-8")
    listed = ", ".join(f"'{loc}'" for loc in locations)
    text = text.replace("services: []\n", f"services: []\ncatalog:\n  locations: [{listed}]\n")
    config.write_text(text + extra, encoding="utf-8")
