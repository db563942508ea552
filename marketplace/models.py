"""Models of the `marketplace` app; they live in the floor (marketplace/common/models.py) so every app can use them."""

from marketplace.common.models import TimeStampedModel, WorkerHeartbeat

__all__ = ["TimeStampedModel", "WorkerHeartbeat"]
