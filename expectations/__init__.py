"""Great Expectations suites as code, derived from the export contract."""
