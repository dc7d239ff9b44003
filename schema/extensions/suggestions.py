"""Production answers name no schema fields the caller did not ask for."""

from __future__ import annotations

import re
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


class HideSuggestions(SchemaExtension):
    """Removes graphql-core's "Did you mean ...?" hints, which map out the schema to guessers."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            error.message = _SUGGESTION.sub("", error.message)
