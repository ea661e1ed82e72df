from tclint.cli import main

raise SystemExit(main())
