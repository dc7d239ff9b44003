"""Look-ahead: what a document selects below a field, read before the field resolves.

A list resolver that knows which nested fields its rows will be asked for reads their
data for the whole list at once, so the nested fields answer without awaiting anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from strawberry.types.nodes import SelectedField, Selection


def _included(directives: dict[str, dict[str, Any]]) -> bool:
    if "skip" in directives and directives["skip"].get("if") is True:
        return False
    return not ("include" in directives and directives["include"].get("if") is False)


def selected_names(selections: Iterable[Selection], path: Sequence[str]) -> set[str]:
    """Names of the fields selected at `path` below `selections`, fragments spread out.

    Fields left out by @skip/@include are not selected; aliases do not matter.
    """
    found: set[str] = set()
    for selection in selections:
        if not _included(selection.directives):
            continue
        if not isinstance(selection, SelectedField):
            found |= selected_names(selection.selections, path)
        elif not path:
            found.add(selection.name)
        elif selection.name == path[0]:
            found |= selected_names(selection.selections, path[1:])
    return found


def selected_below(fields: Iterable[Selection], path: Sequence[str]) -> set[str]:
    """Like `selected_names`, starting below the resolving field (`info.selected_fields`)."""
    return selected_names((child for field in fields for child in field.selections), path)
