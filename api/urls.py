"""/api/v1/ (the REST API), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI, served
from this server). Paths are part of the contract: web/ and other clients rely on them."""

from __future__ import annotations

from csp.decorators import csp_update
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.problems import plain_problem_response
from api.views import accounts, directory, feeds, library, meetings, pipeline, workspaces

U = "<uuid:{}>"


def _id(name: str) -> str:
    return U.format(name)


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return plain_problem_response(request, 404, "not_found", "There is no such API endpoint.")


v1 = [
    # accounts
    path("auth/token/", accounts.TokenView.as_view(), name="api-token"),
    path("me/", accounts.MeView.as_view(), name="api-me"),
    path("invitations/", accounts.InvitationsView.as_view(), name="api-invitations"),
    path("invitations/accept/", accounts.InvitationAcceptView.as_view(),
         name="api-invitation-accept"),
    path(f"invitations/{_id('invitation_id')}/revoke/", accounts.InvitationRevokeView.as_view(),
         name="api-invitation-revoke"),
    # commissions
    path("commissions/", directory.CommissionsView.as_view(), name="api-commissions"),
    path(f"commissions/{_id('commission_id')}/", directory.CommissionView.as_view(),
         name="api-commission"),
    path(f"commissions/{_id('commission_id')}/secretary-general/",
         directory.SecretaryGeneralView.as_view(), name="api-secretary-general"),
    path(f"commissions/{_id('commission_id')}/members/", directory.MembersView.as_view(),
         name="api-commission-members"),
    path(f"commissions/{_id('commission_id')}/members/<str:user_id>/",
         directory.MemberView.as_view(), name="api-commission-member"),
    # partners
    path("partners/", directory.PartnersView.as_view(), name="api-partners"),
    path(f"partners/{_id('partner_id')}/", directory.PartnerView.as_view(), name="api-partner"),
    path(f"partners/{_id('partner_id')}/affiliations/", directory.AffiliationsView.as_view(),
         name="api-partner-affiliations"),
    path(f"partners/{_id('partner_id')}/affiliation-requests/",
         directory.AffiliationRequestsView.as_view(), name="api-partner-affiliation-requests"),
    path(f"partners/{_id('partner_id')}/affiliation-requests/{_id('commission_id')}/accept/",
         directory.AcceptAffiliationView.as_view(), name="api-partner-affiliation-accept"),
    path(f"partners/{_id('partner_id')}/affiliation-requests/{_id('commission_id')}/decline/",
         directory.DeclineAffiliationView.as_view(), name="api-partner-affiliation-decline"),
    path(f"partners/{_id('partner_id')}/affiliations/{_id('commission_id')}/end/",
         directory.EndAffiliationView.as_view(), name="api-partner-affiliation-end"),
    path(f"partners/{_id('partner_id')}/affiliations/{_id('commission_id')}/grant/",
         directory.AccessView.as_view(), name="api-partner-access-grant"),
    path(f"partners/{_id('partner_id')}/affiliations/{_id('commission_id')}/revoke/",
         directory.RevokeAccessView.as_view(), name="api-partner-access-revoke"),
    path(f"partners/{_id('partner_id')}/members/", directory.PartnerMembersView.as_view(),
         name="api-partner-members"),
    path(f"partners/{_id('partner_id')}/members/<str:user_id>/",
         directory.PartnerMemberView.as_view(), name="api-partner-member"),
    # updates
    path("updates/", pipeline.UpdatesView.as_view(), name="api-updates"),
    path(f"updates/{_id('update_id')}/", pipeline.UpdateView.as_view(), name="api-update"),
    path(f"updates/{_id('update_id')}/publish/", pipeline.PublishUpdateView.as_view(),
         name="api-update-publish"),
    path(f"updates/{_id('update_id')}/withdraw/", pipeline.WithdrawUpdateView.as_view(),
         name="api-update-withdraw"),
    # proposals
    path("proposals/", pipeline.ProposalsView.as_view(), name="api-proposals"),
    path(f"proposals/{_id('proposal_id')}/", pipeline.ProposalView.as_view(), name="api-proposal"),
    path(f"proposals/{_id('proposal_id')}/start-review/", pipeline.StartReviewView.as_view(),
         name="api-proposal-start-review"),
    path(f"proposals/{_id('proposal_id')}/accept/", pipeline.AcceptView.as_view(),
         name="api-proposal-accept"),
    path(f"proposals/{_id('proposal_id')}/reject/", pipeline.RejectView.as_view(),
         name="api-proposal-reject"),
    path(f"proposals/{_id('proposal_id')}/withdraw/", pipeline.WithdrawProposalView.as_view(),
         name="api-proposal-withdraw"),
    path(f"proposals/{_id('proposal_id')}/conclude/", pipeline.ConcludeView.as_view(),
         name="api-proposal-conclude"),
    # workspaces, threads, messages
    path("workspaces/", workspaces.WorkspacesView.as_view(), name="api-workspaces"),
    path(f"workspaces/{_id('workspace_id')}/", workspaces.WorkspaceView.as_view(),
         name="api-workspace"),
    path(f"workspaces/{_id('workspace_id')}/members/", workspaces.WorkspaceMembersView.as_view(),
         name="api-workspace-members"),
    path(f"workspaces/{_id('workspace_id')}/members/<str:user_id>/",
         workspaces.WorkspaceMemberView.as_view(), name="api-workspace-member"),
    path(f"workspaces/{_id('workspace_id')}/archive/", workspaces.ArchiveWorkspaceView.as_view(),
         name="api-workspace-archive"),
    path(f"workspaces/{_id('workspace_id')}/threads/", workspaces.ThreadsView.as_view(),
         name="api-workspace-threads"),
    path(f"threads/{_id('thread_id')}/", workspaces.ThreadView.as_view(), name="api-thread"),
    path(f"threads/{_id('thread_id')}/close/", workspaces.CloseThreadView.as_view(),
         name="api-thread-close"),
    path(f"threads/{_id('thread_id')}/messages/", workspaces.MessagesView.as_view(),
         name="api-thread-messages"),
    path(f"threads/{_id('thread_id')}/read/", workspaces.ReadView.as_view(),
         name="api-thread-read"),
    path(f"messages/{_id('message_id')}/", workspaces.MessageView.as_view(), name="api-message"),
    path(f"messages/{_id('message_id')}/retract/", workspaces.RetractMessageView.as_view(),
         name="api-message-retract"),
    path(f"messages/{_id('message_id')}/history/", workspaces.MessageHistoryView.as_view(),
         name="api-message-history"),
    # comments and documents
    path("comments/", library.CommentsView.as_view(), name="api-comments"),
    path(f"comments/{_id('comment_id')}/", library.CommentView.as_view(), name="api-comment"),
    path(f"comments/{_id('comment_id')}/retract/", library.RetractCommentView.as_view(),
         name="api-comment-retract"),
    path("documents/", library.DocumentsView.as_view(), name="api-documents"),
    path(f"documents/{_id('document_id')}/", library.DocumentView.as_view(), name="api-document"),
    path(f"documents/{_id('document_id')}/versions/", library.DocumentVersionsView.as_view(),
         name="api-document-versions"),
    path(f"documents/{_id('document_id')}/download/", library.DownloadView.as_view(),
         name="api-document-download"),
    path(f"documents/{_id('document_id')}/archive/", library.ArchiveDocumentView.as_view(),
         name="api-document-archive"),
    # meetings
    path("meetings/", meetings.MeetingsView.as_view(), name="api-meetings"),
    path(f"meetings/{_id('meeting_id')}/", meetings.MeetingView.as_view(), name="api-meeting"),
    path(f"meetings/{_id('meeting_id')}/calendar.ics", meetings.MeetingCalendarView.as_view(),
         name="api-meeting-calendar"),
    path(f"meetings/{_id('meeting_id')}/convene/", meetings.ConveneView.as_view(),
         name="api-meeting-convene"),
    path(f"meetings/{_id('meeting_id')}/open/", meetings.OpenView.as_view(), name="api-meeting-open"),
    path(f"meetings/{_id('meeting_id')}/close/", meetings.CloseView.as_view(), name="api-meeting-close"),
    path(f"meetings/{_id('meeting_id')}/adopt-minutes/", meetings.AdoptMinutesView.as_view(),
         name="api-meeting-adopt-minutes"),
    path(f"meetings/{_id('meeting_id')}/minutes/", meetings.MinutesView.as_view(),
         name="api-meeting-minutes"),
    path(f"meetings/{_id('meeting_id')}/minutes/circulate/", meetings.CirculateMinutesView.as_view(),
         name="api-meeting-minutes-circulate"),
    path(f"meetings/{_id('meeting_id')}/postpone/", meetings.PostponeView.as_view(),
         name="api-meeting-postpone"),
    path(f"meetings/{_id('meeting_id')}/cancel/", meetings.CancelView.as_view(), name="api-meeting-cancel"),
    path(f"meetings/{_id('meeting_id')}/agenda/", meetings.AgendaView.as_view(), name="api-meeting-agenda"),
    path(f"meetings/{_id('meeting_id')}/agenda/order/", meetings.AgendaOrderView.as_view(),
         name="api-meeting-agenda-order"),
    path(f"meetings/{_id('meeting_id')}/agenda/{_id('item_id')}/withdraw/",
         meetings.WithdrawItemView.as_view(), name="api-meeting-item-withdraw"),
    path(f"meetings/{_id('meeting_id')}/agenda/{_id('item_id')}/current/",
         meetings.CurrentItemView.as_view(), name="api-meeting-item-current"),
    path(f"meetings/{_id('meeting_id')}/registrations/", meetings.RegistrationsView.as_view(),
         name="api-meeting-registrations"),
    path(f"meetings/{_id('meeting_id')}/registrations/<str:person_id>/",
         meetings.RegistrationView.as_view(), name="api-meeting-registration"),
    path(f"meetings/{_id('meeting_id')}/attendance/", meetings.AttendanceView.as_view(),
         name="api-meeting-attendance"),
    path(f"meetings/{_id('meeting_id')}/attendance/<str:person_id>/", meetings.LeaveView.as_view(),
         name="api-meeting-leave"),
    # feeds
    path("activity/", feeds.ActivityView.as_view(), name="api-activity"),
    path("indicators/", feeds.IndicatorsView.as_view(), name="api-indicators"),
    path("search/", feeds.SearchView.as_view(), name="api-search"),
]

DOCS_POLICY = csp_update({"style-src": ["'unsafe-inline'"]})

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script);
    # Swagger UI sets inline styles. (No Redoc: its page loads fonts from Google.)
    path("docs/", DOCS_POLICY(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    # Anything else under v1/ is answered as problem details, not an HTML page; the audit
    # endpoints (api/audit*.py, issue 6) keep their own prefix free.
    re_path(r"^v1/(?!audit/)(?P<rest>.*)$", not_found),
]
