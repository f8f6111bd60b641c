"""The live streams as the web client's pages start them."""

from __future__ import annotations


def stream_position(stream: str) -> int:
    """The position of the last item a live stream received (0 when none): a page
    rendered now subscribes after it and receives everything newer."""
    from projections.models import StreamItem

    last = StreamItem.objects.filter(stream=stream).order_by("-position").values_list("position", flat=True)
    return int(last.first() or 0)
