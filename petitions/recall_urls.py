"""Recall pages, appended to petitions/urls.py (namespace "petitions")."""

from django.urls import path

from petitions import recall_views as views

urlpatterns = [
    path("recalls/", views.recall_list, name="recall_list"),
    path("recalls/start/", views.recall_start, name="recall_start"),
    path("recalls/<int:pk>/", views.recall_detail, name="recall_detail"),
    path("recalls/<int:pk>/join/", views.recall_join, name="recall_join"),
    path("recalls/<int:pk>/submit/", views.recall_submit_group, name="recall_submit_group"),
    path("recalls/<int:pk>/withdraw/", views.recall_withdraw, name="recall_withdraw"),
    path("recalls/<int:pk>/sign/", views.recall_sign, name="recall_sign"),
    path("recalls/<int:pk>/submit-signatures/", views.recall_submit_signatures, name="recall_submit_signatures"),
    path("recalls/<int:pk>/reply/", views.recall_reply, name="recall_reply"),
    path("staff/recalls/", views.staff_recalls, name="staff_recalls"),
    path("staff/recalls/<int:pk>/", views.staff_recall_detail, name="staff_recall_detail"),
    path("staff/recalls/<int:pk>/register/", views.staff_recall_register, name="staff_recall_register"),
    path("staff/recalls/<int:pk>/refuse/", views.staff_recall_refuse, name="staff_recall_refuse"),
    path("staff/recalls/<int:pk>/signatures/", views.staff_recall_signatures, name="staff_recall_signatures"),
    path("staff/recalls/<int:pk>/sample/", views.staff_recall_sample, name="staff_recall_sample"),
    path("staff/recalls/<int:pk>/finish/", views.staff_recall_finish, name="staff_recall_finish"),
    path("staff/recalls/<int:pk>/vote/", views.staff_recall_vote, name="staff_recall_vote"),
]
