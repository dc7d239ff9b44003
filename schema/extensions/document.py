"""The request's document, parsed and walked once: what runs, its fragments, its size.

Authentication, Idempotency-Key, bounded validation, query cost and execution all ask
here, so they cannot disagree about which operation runs, and none of them parses or
walks the document again. Readings are cached by document text: clients send constant
documents with variables.

Which operation runs is GraphQL's GetOperation: a document with several operations runs
the one `operationName` names; without a name it is a request error (the spec: "Must
provide operation name if query contains multiple operations."), never silently the
first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
)
from strawberry.extensions import SchemaExtension

# Apollo Server's code for the same refusal; a client can tell it from a bug.
CODE = "OPERATION_RESOLUTION_FAILURE"
# Like Strawberry's parser cache: bounded, so unique texts cannot grow memory forever.
CACHED_DOCUMENTS = 128


class OperationNotChosen(GraphQLError):
    """The request names no operation the document has, or needs a name and has none."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": CODE})


@dataclass(frozen=True, slots=True)
class ReadDocument:
    document: DocumentNode
    operation: OperationDefinitionNode | None
    """The operation that runs; None when it cannot be chosen (`not_chosen` says why)."""
    not_chosen: str | None
    fragments: Mapping[str, FragmentDefinitionNode]
    root_fields: frozenset[str]
    """Fields at the operation's root, fragments spread (what a mutation changes)."""
    expanded_size: int
    """Fields selected with every fragment spread out where it is used."""
    most_repeated_field: int
    """How often one response name occurs in one selection set, at most."""

    @property
    def is_mutation(self) -> bool:
        return self.operation is not None and self.operation.operation is OperationType.MUTATION

    def chosen(self) -> OperationDefinitionNode:
        """The operation that runs, or OperationNotChosen with the spec's reason."""
        if self.operation is None:
            raise OperationNotChosen(self.not_chosen or "Must provide an operation.")
        return self.operation


def read_document(query: str, operation_name: str | None, max_tokens: int) -> ReadDocument:
    """Parse and walk a request's document; GraphQLError when it does not parse."""
    return _read(query, operation_name, max_tokens)


# Parsed once per text, whichever of its operations a request names.
_parse = lru_cache(maxsize=CACHED_DOCUMENTS)(parse)


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _read(query: str, operation_name: str | None, max_tokens: int) -> ReadDocument:
    document = _parse(query, max_tokens=max_tokens)
    operation, not_chosen = _choose(document, operation_name)
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    expanded, repeated = _Measure(fragments).document(document)
    root = _root_fields(operation.selection_set, fragments, set()) if operation else set()
    return ReadDocument(
        document=document,
        operation=operation,
        not_chosen=not_chosen,
        fragments=fragments,
        root_fields=frozenset(root),
        expanded_size=expanded,
        most_repeated_field=repeated,
    )


def _choose(
    document: DocumentNode, operation_name: str | None
) -> tuple[OperationDefinitionNode | None, str | None]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        for operation in operations:
            if operation.name is not None and operation.name.value == operation_name:
                return operation, None
        return None, f"Unknown operation named '{operation_name}'."
    if len(operations) > 1:
        return None, "Must provide operation name if query contains multiple operations."
    if not operations:
        return None, "Must provide an operation."
    return operations[0], None


class _Measure:
    """One pass over every selection set: the expanded size and the most repeated name.

    A fragment is walked once however often it is spread, so a document that doubles
    its size with each fragment ("fragment bomb") is measured in linear time, before
    anything walks it spread out (validation rules and pricing do). Cycles and unknown
    fragments count as nothing; validation refuses both.
    """

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.sizes: dict[str, int] = {}
        self.entered: set[str] = set()
        self.most_repeated = 0

    def document(self, document: DocumentNode) -> tuple[int, int]:
        expanded = sum(
            self.size(definition.selection_set)
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
        )
        for name in self.fragments:
            self.fragment(name)  # unused ones too: validation compares their fields
        return expanded, self.most_repeated

    def fragment(self, name: str) -> int:
        if name not in self.sizes and name in self.fragments and name not in self.entered:
            self.entered.add(name)
            self.sizes[name] = self.size(self.fragments[name].selection_set)
        return self.sizes.get(name, 0)

    def size(self, selection_set: SelectionSetNode | None) -> int:
        total = 0
        names: dict[str, int] = {}
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                name = (selection.alias or selection.name).value
                names[name] = names.get(name, 0) + 1
                total += 1 + self.size(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += self.size(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        # Validation compares equally named fields pairwise (can they merge?).
        self.most_repeated = max(self.most_repeated, *names.values(), 0)
        return total


def _root_fields(
    selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode], seen: set[str]
) -> set[str]:
    found: set[str] = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            found |= _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                seen.add(name)
                found |= _root_fields(fragments[name].selection_set, fragments, seen)
    return found


def reading_of(query: str | None, operation_name: object, max_tokens: int) -> ReadDocument | None:
    """The reading of a request that will run its document; None when Strawberry refuses it.

    A missing query, a name that is no string or a document that does not parse is
    refused by the normal path, as a request error, before anything runs.
    """
    if not query or not isinstance(operation_name, str | None):
        return None
    try:
        return read_document(query, operation_name, max_tokens)
    except (GraphQLError, RecursionError):
        return None


class DocumentReader(SchemaExtension):
    """Parses through the shared reading and refuses an operation that cannot be chosen.

    Strawberry would run the first of several operations when no name is given, and
    answer an unknown name with a bare HTTP 400 text. Raised here, the refusal comes
    before validation, pricing and execution, as a GraphQL request error.
    """

    def __init__(self, *, max_tokens: int) -> None:
        self.max_tokens = max_tokens
        self.requested_name: object = None

    def on_operation(self) -> Iterator[None]:
        # Before parsing there is no "first operation" for Strawberry to fall back on:
        # `operation_name` is exactly the name the request sent, or None.
        self.requested_name = self.execution_context.operation_name
        yield

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        assert execution.query is not None  # Strawberry refuses a missing query first
        name = self.requested_name
        # A name that is no string makes the request object malformed: Strawberry's
        # HTTP 400, like other fields of the wrong type.
        named = name if isinstance(name, str | None) else None
        reading = read_document(execution.query, named, self.max_tokens)
        execution.graphql_document = reading.document
        # Validation bounds and pricing read it from here, not from the text again.
        execution.context.state.reading = reading
        if named is name:
            reading.chosen()
        yield
