"""Root URLconf. Apps are included by dotted string: portal never imports an app."""

import os

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views
from portal.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("portal.api_urls")),
    path("api/v1/", include("deputies.api_urls")),
    path("api/v1/", include("petitions.api_urls")),
    path("api/v1/", include("recalls.api_urls")),
    path("api/v1/", include("hearings.api_urls")),
    path("api/v1/", include("letters.api_urls")),
    path("api/v1/", include("sittings.api_urls")),
    path("", include("petitions.feed_urls")),
    path("", include("hearings.feed_urls")),
    path("telegram/", include("telegram_bot.urls")),  # Telegram's webhook: not language-prefixed
    path("", include("sittings.feed_urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.svg", permanent=True)),
]

# The benchmark's ceiling view (bench/bench_surge.py); never present unless the benchmark asks.
if os.environ.get("DAUYS_BENCH_CEILING") == "1":
    from portal import bench_views

    urlpatterns.append(path("bench/ceiling/<int:target>/", bench_views.ceiling, name="bench-ceiling"))

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/audit/", views.audit_log, name="audit_log"),
    path("", include("portal.account_urls")),
    path("", include("notifications.urls")),
    path("", include("deputies.urls")),
    path("", include("petitions.urls")),
    path("", include("recalls.urls")),
    path("", include("hearings.urls")),
    path("", include("letters.urls")),
    path("", include("sittings.urls")),
    prefix_default_language=True,
)

handler400 = "portal.error_views.bad_request"
handler403 = "portal.error_views.permission_denied"
handler404 = "portal.error_views.page_not_found"
handler500 = "portal.error_views.server_error"
