"""The on-commit publish of an event's notifications (coordination.services.notification_enqueue)
skips Celery's declaration of the queue on every publish: the message on the broker must be the
one Celery's defaults make, in the queue a worker reads, also on a broker where nothing was
declared yet."""

import json

import redis
from django.conf import settings

from coordination.services import notification_enqueue
from coordination.tasks import deliver

# Neither the message's own ids (the task's, the delivery's) nor its timestamp are the same
# for two messages.
OWN = {"headers": ("id", "root_id"), "properties": ("correlation_id", "delivery_tag")}


def published(broker: redis.Redis) -> list[dict]:
    """The messages in the default queue, oldest first (kombu LPUSHes and the worker BRPOPs)."""
    messages = [json.loads(raw) for raw in reversed(broker.lrange("celery", 0, -1))]
    for message in messages:
        for part, keys in OWN.items():
            for key in keys:
                message[part].pop(key)
    return messages


def test_the_message_is_the_one_celerys_defaults_publish_on_an_undeclared_broker():
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("celery", "_kombu.binding.celery")
    try:
        for ids in ([7], [12, 3, 98765]):
            assert notification_enqueue(notification_ids=ids)
            deliver.apply_async((ids,), retry=False)
        ours_1, celerys_1, ours_2, celerys_2 = published(broker)
        assert ours_1 == celerys_1
        assert ours_2 == celerys_2
        assert ours_2["headers"]["argsrepr"] == "([12, 3, 98765],)"
        assert ours_2["properties"]["delivery_info"] == {"exchange": "", "routing_key": "celery"}
    finally:
        broker.delete("celery")
