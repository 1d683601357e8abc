"""Entry point for ``python -m incidentctl``."""

from incidentctl.cli import main

raise SystemExit(main())
