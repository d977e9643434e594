"""``python -m audit``: the same command line as the ``audit`` console script."""

from audit.cli import main

raise SystemExit(main())
