from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark data set (`seed_bench`) and the floor view of `make bench`: never installed in production."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "bench"
