app_name = "petitions"

urlpatterns: list = []
from petitions import recall_urls  # noqa: E402
urlpatterns += recall_urls.urlpatterns
