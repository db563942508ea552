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
    path("projects/<int:pk>/publish/", api.ProjectPublishAPI.as_view(), name="api-project-publish"),
    path("projects/<int:pk>/cancel/", api.ProjectCancelAPI.as_view(), name="api-project-cancel"),
    path("me/projects/", api.MyProjectListAPI.as_view(), name="api-my-projects"),
    path("me/quotes/", api.MyQuoteListAPI.as_view(), name="api-my-quotes"),
    path("invitations/", api.InvitationListCreateAPI.as_view(), name="api-invitation-list"),
    path("invitations/<int:pk>/", api.InvitationDetailAPI.as_view(), name="api-invitation-detail"),
    path("invitations/<int:pk>/accept/", api.InvitationAcceptAPI.as_view(), name="api-invitation-accept"),
    path("invitations/<int:pk>/decline/", api.InvitationDeclineAPI.as_view(), name="api-invitation-decline"),
    path("quotes/<int:pk>/", api.QuoteDetailAPI.as_view(), name="api-quote-detail"),
    path("quotes/<int:pk>/accept/", api.QuoteAcceptAPI.as_view(), name="api-quote-accept"),
    path("quotes/<int:pk>/decline/", api.QuoteDeclineAPI.as_view(), name="api-quote-decline"),
    path("quotes/<int:pk>/withdraw/", api.QuoteWithdrawAPI.as_view(), name="api-quote-withdraw"),
    path("quotes/<int:pk>/shortlist/", api.QuoteShortlistAPI.as_view(), name="api-quote-shortlist"),
    path("quotes/<int:pk>/request-revision/", api.QuoteRequestRevisionAPI.as_view(), name="api-quote-request-revision"),
]
