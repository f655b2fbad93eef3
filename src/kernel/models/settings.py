"""System settings as key/value pairs; plugins declare the keys they own through a hook."""

from __future__ import annotations

import json
from typing import Any

from peewee import CharField, TextField

from kernel.db import BaseModel


class Setting(BaseModel):
    key = CharField(max_length=128, primary_key=True)
    value = TextField()  # JSON

    @classmethod
    def read(cls, key: str, default: Any = None) -> Any:
        row = cls.get_or_none(cls.key == key)
        return default if row is None else json.loads(row.value)

    @classmethod
    def write(cls, key: str, value: Any) -> None:
        if value is None:
            cls.delete().where(cls.key == key).execute()
            return
        cls.insert(key=key, value=json.dumps(value)).on_conflict(
            conflict_target=[cls.key], update={cls.value: json.dumps(value)}
        ).execute()
