from django.urls import path

from projects import views

urlpatterns = [
    path("projets/", views.ProjectListView.as_view(), name="project-list"),
    path("projets/nouveau/", views.ProjectCreateView.as_view(), name="project-create"),
    path("projets/nouveau/reprendre/", views.ProjectCreateResumeView.as_view(), name="project-create-resume"),
    path("projets/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projets/<int:pk>/modifier/", views.ProjectUpdateView.as_view(), name="project-update"),
    path("projets/<int:pk>/publier/", views.ProjectPublishView.as_view(), name="project-publish"),
    path("projets/<int:pk>/annuler/", views.ProjectCancelView.as_view(), name="project-cancel"),
    path("projets/<int:pk>/terminer/", views.ProjectCompleteView.as_view(), name="project-complete"),
    path("projets/<int:pk>/documents/", views.ProjectAttachmentAddView.as_view(), name="project-attachment-add"),
    path(
        "projets/<int:pk>/documents/retirer/",
        views.ProjectAttachmentDeleteView.as_view(),
        name="project-attachment-delete",
    ),
    path(
        "projets/<int:pk>/documents/<int:attachment_pk>/",
        views.ProjectAttachmentDownloadView.as_view(),
        name="project-attachment",
    ),
    path("projets/<int:pk>/evaluer/", views.ReviewCreateView.as_view(), name="review-create"),
    path("projets/<int:pk>/soumissions/", views.QuoteCreateView.as_view(), name="quote-create"),
    path("projets/<int:pk>/soumission-commune/", views.JointQuoteCreateView.as_view(), name="joint-quote-create"),
    path(
        "projets/<int:pk>/soumissions/fragment/",
        views.ProjectQuotesFragmentView.as_view(),
        name="project-quotes-fragment",
    ),
    path("soumissions/<int:pk>/modifier/", views.QuoteUpdateView.as_view(), name="quote-update"),
    path("soumissions/<int:pk>/retirer/", views.QuoteWithdrawView.as_view(), name="quote-withdraw"),
    path("soumissions/<int:pk>/preselectionner/", views.QuoteShortlistView.as_view(), name="quote-shortlist"),
    path("soumissions/<int:pk>/refuser/", views.QuoteDeclineView.as_view(), name="quote-decline"),
    path("soumissions/<int:pk>/revision/", views.QuoteRequestRevisionView.as_view(), name="quote-request-revision"),
    path("soumissions/<int:pk>/accepter/", views.QuoteAcceptView.as_view(), name="quote-accept"),
    path("tableau-de-bord/", views.DashboardView.as_view(), name="dashboard"),
    path("pigistes/<int:pk>/", views.FreelancerDetailView.as_view(), name="freelancer-detail"),
    path("pigistes/<int:profile_pk>/inviter/", views.FreelancerInviteView.as_view(), name="freelancer-invite"),
    path("clients/<int:user_id>/", views.ClientDetailView.as_view(), name="client-detail"),
    path("invitations/<int:pk>/accepter/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("invitations/<int:pk>/decliner/", views.InvitationDeclineView.as_view(), name="invitation-decline"),
    path("invitations/<int:pk>/recommander/", views.InvitationPassOnView.as_view(), name="invitation-pass-on"),
    path("projets/<int:pk>/recommander/", views.ProjectRecommendView.as_view(), name="project-recommend"),
    path("recommandations/<int:pk>/inviter/", views.RecommendationInviteView.as_view(), name="recommendation-invite"),
]
