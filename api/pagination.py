from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=N&page_size=M (at most API_MAX_PAGE_SIZE rows a page)."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return getattr(settings, "API_MAX_PAGE_SIZE", 100)
