"""Which operation of a document runs: GraphQL's GetOperation, decided in one place.

A document with several operations runs the one `operationName` names; without a name
it is a request error (the spec: "Must provide operation name if query contains
multiple operations."), never silently the first. Authentication, Idempotency-Key,
query cost and execution all ask here, so they cannot disagree about what runs.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

# Apollo Server's code for the same refusal; a client can tell it from a bug.
CODE = "OPERATION_RESOLUTION_FAILURE"


class OperationNotChosen(GraphQLError):
    """The request names no operation the document has, or needs a name and has none."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": CODE})


def chosen_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    """The operation a request runs, or OperationNotChosen with the spec's reason."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        for operation in operations:
            if operation.name is not None and operation.name.value == operation_name:
                return operation
        raise OperationNotChosen(f"Unknown operation named '{operation_name}'.")
    if len(operations) > 1:
        raise OperationNotChosen(
            "Must provide operation name if query contains multiple operations."
        )
    if not operations:
        raise OperationNotChosen("Must provide an operation.")
    return operations[0]


class OperationChoice(SchemaExtension):
    """Refuses a request whose operation cannot be chosen, right after parsing.

    Strawberry would run the first of several operations when no name is given, and
    answer an unknown name with a bare HTTP 400 text. Raised here, the refusal comes
    before validation, pricing and execution, as a GraphQL request error.
    """

    requested_name: object = None

    def on_operation(self) -> Iterator[None]:
        # Before parsing there is no "first operation" for Strawberry to fall back on:
        # `operation_name` is exactly the name the request sent, or None.
        self.requested_name = self.execution_context.operation_name
        yield

    def on_parse(self) -> Iterator[None]:
        yield
        document = self.execution_context.graphql_document
        # A name that is no string makes the request object malformed: Strawberry's
        # HTTP 400, like other fields of the wrong type.
        if document is not None and isinstance(self.requested_name, str | None):
            chosen_operation(document, self.requested_name)
