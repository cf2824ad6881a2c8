"""Market trends: skill demand and pay per day, kept by a faust-streaming app (`stream trends`).

The pure parts (windows, the pay sketch, facts read from change events, dedup, cells,
rising detection) import nothing from Faust, Kafka or Redis; `app` wires them to Faust,
`claims` to Redis. docs/trends.md explains the tables, windows, lateness and recovery.
"""
