"""Skill tagging: the taxonomy (`taxonomy/`), its surface forms (`match`, `glue`, `text`),
section and clause cues for required / nice-to-have (`sections`, `cues`), and the
`SkillExtractor` that runs them (`extract`, compiled scan in native/)."""
