"""URLs of notifications, included (language-prefixed) from the root URLconf (portal/urls.py)."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.inbox, name="notification_inbox"),
    path("notifications/<int:pk>/read/", views.notification_open, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notification_read_all"),
    path("notifications/settings/", views.preferences, name="notification_preferences"),
    path("follows/", views.follow_list, name="follow_list"),
    path("follows/add/", views.follow_add, name="follow_add"),
    path("follows/remove/", views.follow_remove, name="follow_remove"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notification_unsubscribe"),
    path("staff/notifications/", views.staff_deliveries, name="staff_notifications"),
    path("staff/notifications/occurrence/", views.staff_occurrence, name="staff_notification_occurrence"),
    path("staff/notifications/retry/", views.staff_retry, name="staff_notification_retry"),
]
