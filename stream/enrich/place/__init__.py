"""Place and work mode: `place`, `places` and `work_mode` on the posting.

`gazetteer` loads the countries, regions and cities (once per process), `parse` reads a
free-text location against it, `work_mode` reads onsite/hybrid/remote from the location and
the description, `step` is the enrichment step (docs/normalization.md, "Place and work mode").
"""
