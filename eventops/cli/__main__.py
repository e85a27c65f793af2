"""`python -m eventops.cli`: the same as the `eventops` console script."""

from eventops.cli import main

raise SystemExit(main())
