from django.urls import path

from profiles import api

urlpatterns = [
    path("freelancers/<int:pk>/", api.FreelancerDetailApi.as_view(), name="api-freelancer-detail"),
    path("me/profile/", api.MyProfileApi.as_view(), name="api-my-profile"),
    path("auth/token/", api.ApiTokenApi.as_view(), name="api-auth-token"),
    path("municipalities/", api.MunicipalitySearchApi.as_view(), name="api-municipality-search"),
]
