"""Kernel resources as plugins extend them (``mailroom_api_fields``).

The kernel's schema and filterable properties for a resource, plus what every plugin adds
for this caller; a plugin may add but never replace what the kernel shows.
"""

from __future__ import annotations

from dataclasses import replace

from kernel.api.context import Caller
from kernel.api.fields import Schema
from kernel.api.query import ApiProperty
from kernel.plugins import PluginError


def extended(
    resource: str, schema: Schema, properties: list[ApiProperty], caller: Caller
) -> tuple[Schema, list[ApiProperty]]:
    """The schema and properties of ``resource`` with the plugins' additions.

    :raises PluginError: when a plugin reuses a name the kernel's resource has.
    """
    additions = caller.hooks.api_fields(resource, caller.user)
    if not additions:
        return schema, properties
    fields = dict(schema.fields)
    names = {prop.name for prop in properties}
    for addition in additions:
        if addition.field is not None:
            if addition.name in fields:
                raise PluginError(
                    f"A plugin adds the field {addition.name!r}, which {resource} has."
                )
            fields[addition.name] = addition.field
        if addition.property is not None:
            if addition.name in names:
                raise PluginError(
                    f"A plugin adds the property {addition.name!r}, which {resource} has."
                )
            properties = [*properties, replace(addition.property, name=addition.name)]
    return replace(schema, fields=fields), properties
