"""Outbound paging: the Channel port, the registry, one module per channel."""
from . import call_words
from .port import Channel, Delivery, PageMessage
from .registry import ChannelRegistry

__all__ = ["Channel", "call_words", "ChannelRegistry", "Delivery", "PageMessage"]
