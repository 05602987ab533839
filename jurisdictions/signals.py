"""The map's cached JSON is dropped when a change to what it shows commits, whoever makes it (admin included)."""

from django.db.models.signals import post_delete, post_save

from .models import Agreement287g, Jurisdiction, PolicyRecord, State, StateLaw
from .services import map_cache_clear

MAP_MODELS = (State, StateLaw, Jurisdiction, PolicyRecord, Agreement287g)


def _place_written(sender, **kwargs):
    map_cache_clear()


def connect():
    for model in MAP_MODELS:
        post_save.connect(_place_written, sender=model, dispatch_uid=f"map-cache-save-{model.__name__}")
        post_delete.connect(_place_written, sender=model, dispatch_uid=f"map-cache-delete-{model.__name__}")
