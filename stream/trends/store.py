"""A RocksDB table store (`STREAM_TRENDS__STORE=rocksdb://`, needs the `rocksdb` extra:
rocksdict) that writes each record to the partition named by its key.

faust-streaming's RocksDB store writes a key to the partition of the *current event* and
asserts there is one (`faust/stores/rocksdb.py`, `Store._set`). The app writes a batch's
records after the batch, outside any event, each to its own source partition, the first
field of the key (`cells.record_key`), which is also the changelog partition it goes to
(`app.CellTable`). Reading, deleting and recovery are Faust's.
"""

from __future__ import annotations

import orjson
from faust.stores.rocksdb import Store


class KeyedRocksStore(Store):
    def _set(self, key: bytes, value: bytes | None) -> None:
        # Keys are JSON strings ('"3|20000|7"', '"3|progress"'): the partition comes first.
        partition = int(str(orjson.loads(key)).split("|", 1)[0])
        db = self._db_for_partition(partition)
        self._key_index[key] = partition
        db.put(key, value)
