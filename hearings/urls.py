app_name = "hearings"

urlpatterns: list = []
