"""The Kafka runtime: the consume -> process -> commit loop and what keeps it healthy.

May import the domain (`stream.models`, `stream.processing`, ...), `stream.enrich`,
`stream.stores` and `stream.ops`; nothing below it imports from here.
"""
