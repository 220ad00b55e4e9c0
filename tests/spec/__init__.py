"""Per-section scenario tests of spec/semantics.md (sections 1-5 and the worked cases of 7)."""
