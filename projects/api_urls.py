from django.urls import path

from projects import api

urlpatterns = [
    path("projects/", api.ProjectListCreateAPI.as_view(), name="api-project-list"),
    path("projects/<int:pk>/", api.ProjectDetailAPI.as_view(), name="api-project-detail"),
    path("projects/<int:pk>/quotes/", api.ProjectQuotesAPI.as_view(), name="api-project-quotes"),
    path("projects/<int:pk>/complete/", api.ProjectCompleteAPI.as_view(), name="api-project-complete"),
    path("projects/<int:pk>/attachments/", api.ProjectAttachmentsAPI.as_view(), name="api-project-attachments"),
    path(
        "projects/<int:pk>/attachments/<int:attachment_pk>/",
        api.ProjectAttachmentDetailAPI.as_view(),
        name="api-project-attachment-detail",
    ),
    path("projects/<int:pk>/reviews/", api.ProjectReviewsAPI.as_view(), name="api-project-reviews"),
    path("quotes/<int:pk>/", api.QuoteDetailAPI.as_view(), name="api-quote-detail"),
    path("quotes/<int:pk>/accept/", api.QuoteAcceptAPI.as_view(), name="api-quote-accept"),
    path("quotes/<int:pk>/decline/", api.QuoteDeclineAPI.as_view(), name="api-quote-decline"),
    path("quotes/<int:pk>/withdraw/", api.QuoteWithdrawAPI.as_view(), name="api-quote-withdraw"),
    path("quotes/<int:pk>/shortlist/", api.QuoteShortlistAPI.as_view(), name="api-quote-shortlist"),
    path("quotes/<int:pk>/request-revision/", api.QuoteRequestRevisionAPI.as_view(), name="api-quote-request-revision"),
]
