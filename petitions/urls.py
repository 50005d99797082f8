from django.urls import path

from petitions import views, views_staff

app_name = "petitions"

urlpatterns = [
    path("petitions/", views.petition_list, name="list"),
    path("petitions/new/", views.petition_create, name="new"),
    path("petitions/mine/", views.my_petitions, name="mine"),
    path("petitions/<int:pk>/", views.petition_detail, name="detail"),
    path("petitions/<int:pk>/edit/", views.petition_edit, name="edit"),
    path("petitions/<int:pk>/sign/", views.petition_sign, name="sign"),
    path("petitions/<int:pk>/unsign/", views.petition_unsign, name="unsign"),
    path("petitions/<int:pk>/act/<slug:action>/", views.petition_act, name="act"),
    path("petitions/<int:pk>/sheet.pdf", views.petition_sheet, name="sheet"),
    path("staff/petitions/", views_staff.queue, name="staff_queue"),
    path("staff/petitions/sources/", views_staff.sources, name="staff_sources"),
    path("staff/petitions/<int:pk>/moderate/", views_staff.moderate, name="staff_moderate"),
    path("staff/petitions/<int:pk>/answer/", views_staff.answer, name="staff_answer"),
    path("staff/petitions/<int:pk>/delivery/", views_staff.delivery, name="staff_delivery"),
    path("staff/petitions/<int:pk>/invalidate/", views_staff.invalidate, name="staff_invalidate"),
    path("staff/petitions/<int:pk>/paper/", views_staff.paper, name="staff_paper"),
    path(
        "staff/petitions/<int:pk>/paper/<int:signature_pk>/withdraw/",
        views_staff.paper_withdraw,
        name="staff_paper_withdraw",
    ),
]
