"""`make bench`: the production settings, with the bench app and its floor view (bench.urls)."""

from .production import *  # noqa: F403
from .production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
# The bench signs in through the login form as staff and admins who have no authenticator: the pages it
# measures are those behind the second step, which is not itself measured.
TWO_FACTOR_REQUIRED_FOR_STAFF = False
