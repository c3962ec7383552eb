"""Outbound paging: the Channel port, the registry, one module per channel."""
from .port import Channel, Delivery, PageMessage
from .registry import ChannelRegistry

__all__ = ["Channel", "ChannelRegistry", "Delivery", "PageMessage"]
