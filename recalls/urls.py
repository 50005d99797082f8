"""Recall pages (namespace "recalls")."""

from django.urls import path

from recalls import views

app_name = "recalls"

urlpatterns = [
    path("recalls/", views.recall_list, name="list"),
    path("recalls/start/", views.recall_start, name="start"),
    path("recalls/<int:pk>/", views.recall_detail, name="detail"),
    path("recalls/<int:pk>/join/", views.recall_join, name="join"),
    path("recalls/<int:pk>/submit/", views.recall_submit_group, name="submit_group"),
    path("recalls/<int:pk>/withdraw/", views.recall_withdraw, name="withdraw"),
    path("recalls/<int:pk>/sign/", views.recall_sign, name="sign"),
    path("recalls/<int:pk>/submit-signatures/", views.recall_submit_signatures, name="submit_signatures"),
    path("recalls/<int:pk>/reply/", views.recall_reply, name="reply"),
    path("staff/recalls/", views.staff_recalls, name="staff_list"),
    path("staff/recalls/<int:pk>/", views.staff_recall_detail, name="staff_detail"),
    path("staff/recalls/<int:pk>/register/", views.staff_recall_register, name="staff_register"),
    path("staff/recalls/<int:pk>/refuse/", views.staff_recall_refuse, name="staff_refuse"),
    path("staff/recalls/<int:pk>/signatures/", views.staff_recall_signatures, name="staff_signatures"),
    path("staff/recalls/<int:pk>/sample/", views.staff_recall_sample, name="staff_sample"),
    path("staff/recalls/<int:pk>/finish/", views.staff_recall_finish, name="staff_finish"),
    path("staff/recalls/<int:pk>/vote/", views.staff_recall_vote, name="staff_vote"),
]
