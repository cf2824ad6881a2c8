"""The `stream` command. Each command imports what it needs when it runs, so `stream --help`
and `stream config` start without loading Kafka, Redis or the skill tables."""
