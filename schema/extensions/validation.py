"""Validation, cached per document, behind checks that keep it cheap.

Some validation rules walk fragments spread out (Strawberry's depth and alias limits)
and one compares equally named fields pairwise (graphql-core's "can these merge"), so a
small document could keep a process busy for seconds or minutes, before anyone is
charged for it. Linear checks run first, and a document that fails them never reaches
those rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    KnownFragmentNamesRule,
    NoFragmentCyclesRule,
    validate,
)
from strawberry.extensions import ValidationCache

from schema.extensions.document import CACHED_DOCUMENTS

# Both rules walk each fragment once: linear in the document.
_FRAGMENT_RULES = [KnownFragmentNamesRule, NoFragmentCyclesRule]
# Fields a document may select once its fragments are spread out. Far above any real
# query (GraphiQL's introspection has about 300), far below what makes validation slow.
MAX_EXPANDED_FIELDS = 5000
# Times one response name may be selected in one selection set (GraphQL merges them).
MAX_REPEATED_FIELD = 10


def _too_complex(message: str) -> list[GraphQLError]:
    return [GraphQLError(message, extensions={"code": "QUERY_TOO_COMPLEX"})]


class BoundedValidation(ValidationCache):
    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        reading = execution.context.state.reading
        if reading is None:
            yield from super().on_validate()
            return
        errors = _prechecked(
            execution.schema._schema,
            reading.document,
            reading.expanded_size,
            reading.most_repeated_field,
        )
        if errors:
            execution.pre_execution_errors = list(errors)
            yield
            return
        yield from super().on_validate()


# Cached like the validation behind it: clients send the same few documents again and
# again, and even the linear rules cost a walk of the whole document per request.
@lru_cache(maxsize=CACHED_DOCUMENTS)
def _prechecked(
    schema: GraphQLSchema, document: DocumentNode, expanded_size: int, most_repeated: int
) -> tuple[GraphQLError, ...]:
    """The linear checks' errors; sizes as measured when the document was read."""
    errors = validate(schema, document, _FRAGMENT_RULES)
    if not errors and expanded_size > MAX_EXPANDED_FIELDS:
        errors = _too_complex(
            f"The document selects more than {MAX_EXPANDED_FIELDS} fields once its "
            "fragments are spread out."
        )
    if not errors and most_repeated > MAX_REPEATED_FIELD:
        errors = _too_complex(
            f"A field is selected more than {MAX_REPEATED_FIELD} times in one place."
        )
    return tuple(errors)
