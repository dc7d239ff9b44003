"""Tortoise models: the database tables, nothing else."""

from models.address import Address
from models.api_key import ApiKey
from models.customer import Customer
from models.number_range import NumberRange
from models.organization import Organization

__all__ = ["Address", "ApiKey", "Customer", "NumberRange", "Organization"]
