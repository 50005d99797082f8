urlpatterns: list = []
from petitions import recall_api_urls  # noqa: E402
urlpatterns += recall_api_urls.urlpatterns
