"""Validation, cached per document, behind checks that keep it cheap.

Some validation rules walk fragments spread out (Strawberry's depth and alias limits)
and one compares equally named fields pairwise (graphql-core's "can these merge"), so a
small document could keep a process busy for seconds or minutes, before anyone is
charged for it. Linear checks run first, and a document that fails them never reaches
those rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, KnownFragmentNamesRule, NoFragmentCyclesRule, validate
from strawberry.extensions import ValidationCache

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
        # Measured when the document was read (schema.extensions.document).
        errors = validate(execution.schema._schema, reading.document, _FRAGMENT_RULES)
        if not errors and reading.expanded_size > MAX_EXPANDED_FIELDS:
            errors = _too_complex(
                f"The document selects more than {MAX_EXPANDED_FIELDS} fields once its "
                "fragments are spread out."
            )
        if not errors and reading.most_repeated_field > MAX_REPEATED_FIELD:
            errors = _too_complex(
                f"A field is selected more than {MAX_REPEATED_FIELD} times in one place."
            )
        if errors:
            execution.pre_execution_errors = errors
            yield
            return
        yield from super().on_validate()
