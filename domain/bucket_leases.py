"""Leases on token buckets: a server process charges a busy caller from memory.

Charging the bucket row on every request costs a write per request (on SQLite, three round
trips on the process's one connection). A caller whose bucket refills fast enough to send
many requests a second does not need that: the process takes a slice of the bucket along
with one request's cost, in the same UPDATE, and charges the caller's next requests from
the slice until it is spent or a second has passed.

Leased points have left the bucket row, so all processes together still never spend more
than the bucket gives: a slice is only points no other process can take any more. What a
process holds back is at most a second's refill and a tenth of the bucket; when its second
is over, what is left of the slice is given up (not returned: that would be another
write), so an idle caller's bucket is the row's alone again. Small buckets and slow
refills (where a slice would cover only a few requests) are charged in the row every time,
as before.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from domain.rate_limits import BucketPolicy, Charge, charge


@dataclass(slots=True)
class _Lease:
    points: float
    """Leased and not spent yet."""
    expires: float
    """time.monotonic() after which the rest is given up."""
    stored: float
    """What the bucket row held after this process's last take..."""
    stored_at: float
    """...and when (time.monotonic()): the caller's remaining points are estimated from it."""
    renewal: asyncio.Lock = field(default_factory=asyncio.Lock)
    """One request at a time takes a new slice: concurrent ones would each take one."""


class BucketLeases:
    """The leases one server process holds, by bucket."""

    LEASE_SECONDS = 1.0
    SHARE_OF_CAPACITY = 0.1
    REQUESTS_PER_SLICE = 4
    """A slice smaller than this many requests of the cost saves too few writes."""
    KEPT_WHEN_IDLE = 1024
    """Leases kept before expired ones are swept out."""

    def __init__(self, policy: BucketPolicy) -> None:
        self.policy = policy
        self._leases: dict[str, _Lease] = {}

    def slice_for(self, cost: int) -> float:
        size = min(
            self.policy.capacity * self.SHARE_OF_CAPACITY,
            self.policy.restore_rate * self.LEASE_SECONDS,
        )
        return size if size >= self.REQUESTS_PER_SLICE * cost else 0.0

    async def charge(self, bucket: str, cost: int) -> Charge:
        """Take `cost` points for one request of the caller whose bucket this is."""
        lease = self._leases.get(bucket)
        spent = self._spend(lease, cost)
        if spent is not None:
            return spent
        slice_ = self.slice_for(cost)
        if not slice_:
            return await charge(bucket, cost, self.policy)
        if lease is None:
            self._sweep(time.monotonic())
            lease = self._leases[bucket] = _Lease(0.0, 0.0, 0.0, 0.0)
        async with lease.renewal:
            # The request that held the lock before may have taken a slice for this one.
            spent = self._spend(lease, cost)
            if spent is not None:
                return spent
            return await self._renew(bucket, lease, cost, slice_)

    def _spend(self, lease: _Lease | None, cost: int) -> Charge | None:
        """The charge from the lease, or None when it does not hold the cost (any more)."""
        if lease is None:
            return None
        now = time.monotonic()
        if now >= lease.expires:
            lease.points = 0.0
        if lease.points < cost:
            return None
        lease.points -= cost
        return Charge(granted=True, available=self._available(lease, now), retry_after=0)

    async def _renew(self, bucket: str, lease: _Lease, cost: int, slice_: float) -> Charge:
        # What is left of the lease pays part of the cost (less is taken from the row).
        carry = lease.points
        lease.points = 0.0
        try:
            taken = await charge(bucket, cost - carry, self.policy, lease=slice_)
        except BaseException:
            lease.points += carry
            raise
        if not taken.granted:
            lease.points += carry
            return Charge(
                granted=False,
                available=min(self.policy.capacity, taken.available + carry),
                retry_after=taken.retry_after,
            )
        now = time.monotonic()
        lease.points += taken.leased
        lease.expires = now + self.LEASE_SECONDS
        lease.stored, lease.stored_at = taken.available, now
        return Charge(granted=True, available=self._available(lease, now), retry_after=0)

    def _available(self, lease: _Lease, now: float) -> float:
        # What the caller may still spend: the row (refilled since this process last saw
        # it; other processes' takes are not known here) and the lease.
        stored = lease.stored + (now - lease.stored_at) * self.policy.restore_rate
        return min(self.policy.capacity, min(self.policy.capacity, stored) + lease.points)

    def _sweep(self, now: float) -> None:
        if len(self._leases) >= self.KEPT_WHEN_IDLE:
            idle = [
                bucket
                for bucket, lease in self._leases.items()
                if lease.expires <= now and not lease.renewal.locked()
            ]
            for bucket in idle:
                del self._leases[bucket]
