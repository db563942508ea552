from django.urls import path

from projects import api

urlpatterns = [
    path("projects/", api.ProjectListCreateApi.as_view(), name="api-project-list"),
    path("projects/<int:pk>/", api.ProjectDetailApi.as_view(), name="api-project-detail"),
    path("projects/<int:pk>/quotes/", api.ProjectQuotesApi.as_view(), name="api-project-quotes"),
    path("projects/<int:pk>/complete/", api.ProjectCompleteApi.as_view(), name="api-project-complete"),
    path("projects/<int:pk>/attachments/", api.ProjectAttachmentsApi.as_view(), name="api-project-attachments"),
    path(
        "projects/<int:pk>/attachments/<int:attachment_pk>/",
        api.ProjectAttachmentDetailApi.as_view(),
        name="api-project-attachment-detail",
    ),
    path("projects/<int:pk>/reviews/", api.ProjectReviewsApi.as_view(), name="api-project-reviews"),
    path("reviews/<int:pk>/", api.ReviewDetailApi.as_view(), name="api-review-detail"),
    path("projects/<int:pk>/publish/", api.ProjectPublishApi.as_view(), name="api-project-publish"),
    path("projects/<int:pk>/cancel/", api.ProjectCancelApi.as_view(), name="api-project-cancel"),
    path("me/projects/", api.MyProjectListApi.as_view(), name="api-my-projects"),
    path("me/quotes/", api.MyQuoteListApi.as_view(), name="api-my-quotes"),
    path("invitations/", api.InvitationListCreateApi.as_view(), name="api-invitation-list"),
    path("invitations/<int:pk>/", api.InvitationDetailApi.as_view(), name="api-invitation-detail"),
    path("invitations/<int:pk>/accept/", api.InvitationAcceptApi.as_view(), name="api-invitation-accept"),
    path("invitations/<int:pk>/decline/", api.InvitationDeclineApi.as_view(), name="api-invitation-decline"),
    path("invitations/<int:pk>/answer/", api.InvitationAnswerApi.as_view(), name="api-invitation-answer"),
    path(
        "projects/<int:pk>/recommendations/",
        api.ProjectRecommendationsApi.as_view(),
        name="api-project-recommendations",
    ),
    path("recommendations/<int:pk>/invite/", api.RecommendationInviteApi.as_view(), name="api-recommendation-invite"),
    path("quotes/<int:pk>/", api.QuoteDetailApi.as_view(), name="api-quote-detail"),
    path("quotes/<int:pk>/accept/", api.QuoteAcceptApi.as_view(), name="api-quote-accept"),
    path("quotes/<int:pk>/decline/", api.QuoteDeclineApi.as_view(), name="api-quote-decline"),
    path("quotes/<int:pk>/withdraw/", api.QuoteWithdrawApi.as_view(), name="api-quote-withdraw"),
    path("quotes/<int:pk>/shortlist/", api.QuoteShortlistApi.as_view(), name="api-quote-shortlist"),
    path("quotes/<int:pk>/request-revision/", api.QuoteRequestRevisionApi.as_view(), name="api-quote-request-revision"),
    path("quotes/<int:pk>/offers/", api.QuoteOffersApi.as_view(), name="api-quote-offers"),
    path("offers/<int:pk>/accept/", api.OfferAcceptApi.as_view(), name="api-offer-accept"),
    path("offers/<int:pk>/decline/", api.OfferDeclineApi.as_view(), name="api-offer-decline"),
    path("clients/<int:pk>/", api.ClientDetailApi.as_view(), name="api-client-detail"),
]
