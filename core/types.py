"""Types the typed layer shares (services, selectors and access helpers, checked by mypy)."""

from collections.abc import Callable
from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpResponseBase

# Whoever makes a request: a signed-in user or an anonymous visitor.
AnyUser: TypeAlias = User | AnonymousUser
# A function view: the request and the URL's arguments in, a response out.
View: TypeAlias = Callable[..., HttpResponseBase]
