"""Salary normalization: find the pay statement (`parse`), read amounts and currency
(`amounts`, `currency`, `vocab`), judge and annualize it (`judge`), note extras, and convert
to USD with a dated rate (`stream.enrich.fx`). Entry point: `extract.extract_salary_result`."""
