"""Partner use cases: standing, facts, finance, leads, directory."""
