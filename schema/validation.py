"""Validation, cached per document, behind a check that keeps it cheap.

Validation rules walk fragments spread out (Strawberry's depth and alias limits do), so
a small document of nested fragments could keep a process busy for minutes. Its spread-
out size is measured first, in linear time, and an oversized document never reaches
them.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ValidationCache

from schema.cost import MAX_EXPANDED_FIELDS, expanded_size


class BoundedValidation(ValidationCache):
    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None and expanded_size(document) > MAX_EXPANDED_FIELDS:
            self.execution_context.pre_execution_errors = [
                GraphQLError(
                    f"The document selects more than {MAX_EXPANDED_FIELDS} fields once its "
                    "fragments are spread out.",
                    extensions={"code": "QUERY_TOO_COMPLEX"},
                )
            ]
            yield
            return
        yield from super().on_validate()
