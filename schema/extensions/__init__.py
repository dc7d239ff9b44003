"""The request protections, in the order they run: one list for the schema to use.

Error masking and hints, the document read once (schema.extensions.document), bounded
validation with the depth and alias limits, query cost and throttling, and the step of
an idempotent mutation that opens its transaction.
"""

from __future__ import annotations

from typing import Any

from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, max_aliases, query_depth_limiter

from domain.bucket_leases import BucketLeases
from domain.rate_limits import BucketPolicy
from schema.extensions.document import DocumentReader
from schema.extensions.idempotency import IdempotentExecution
from schema.extensions.masking import MaskUnexpectedErrors
from schema.extensions.suggestions import HideSuggestions
from schema.extensions.throttling import ChargeBreaker, QueryCost
from schema.extensions.validation import BoundedValidation
from settings import ApiLimits


def protections(*, limits: ApiLimits, introspection: bool, suggestions: bool) -> list[Any]:
    """Extension factories (classes or callables, not instances: one set per request)."""
    limit_rules: list[type[ASTValidationRule]] = [
        query_depth_limiter.create_validator(limits.max_depth, None),
        max_aliases.create_validator(limits.max_aliases),
    ]
    breaker = ChargeBreaker()
    # One per schema, so per server process: the slices of buckets it may charge from memory.
    leases = BucketLeases(BucketPolicy(limits.rate_limit_bucket, limits.rate_limit_restore_rate))
    extensions: list[Any] = [
        MaskUnexpectedErrors,
        # One rule class per limit for the schema's life, not one per request: the
        # rules are part of the validation cache's key.
        lambda: AddValidationRules(limit_rules),
        # Parses (cached, within the token limit) and settles which operation runs
        # before anything looks at it.
        lambda: DocumentReader(max_tokens=limits.max_tokens),
        BoundedValidation,
        # After validation: only documents that could run are priced and charged.
        lambda: QueryCost(limits=limits, breaker=breaker, leases=leases),
        # Last, so only a request that is allowed to run opens its transaction.
        IdempotentExecution,
    ]
    if not introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    if not suggestions:
        extensions.append(HideSuggestions)
    return extensions
