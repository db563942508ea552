from django.urls import path

from profiles import api

urlpatterns = [
    path("freelancers/<int:pk>/", api.FreelancerDetailApi.as_view(), name="api-freelancer-detail"),
    path("me/profile/", api.MyProfileApi.as_view(), name="api-my-profile"),
    path("auth/token/", api.ApiTokenApi.as_view(), name="api-auth-token"),
    path("municipalities/", api.MunicipalitySearchApi.as_view(), name="api-municipality-search"),
    path("me/profile/avatar/", api.AvatarApi.as_view(), name="api-my-avatar"),
    path("me/portfolio/", api.MyPortfolioApi.as_view(), name="api-my-portfolio"),
    path("me/portfolio/<int:pk>/", api.MyPortfolioItemApi.as_view(), name="api-my-portfolio-item"),
    path("me/portfolio/<int:pk>/images/", api.MyPortfolioItemImagesApi.as_view(), name="api-my-portfolio-images"),
    path("reports/", api.ReportCreateApi.as_view(), name="api-report-create"),
    path("me/language/", api.MyLanguageApi.as_view(), name="api-my-language"),
    path("me/email-preferences/", api.EmailPreferencesApi.as_view(), name="api-email-preferences"),
    path("me/booked-weeks/", api.MyBookedWeeksApi.as_view(), name="api-my-booked-weeks"),
    path("peers/", api.PeerDirectoryApi.as_view(), name="api-peer-directory"),
    path("me/peer-listing/", api.MyPeerListingApi.as_view(), name="api-my-peer-listing"),
]
