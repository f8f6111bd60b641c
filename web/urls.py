"""The web client's pages."""

from __future__ import annotations

from django.urls import path

from web.views import (
    account,
    audit,
    dashboard,
    documents,
    feed,
    home,
    invitations,
    meetings,
    partnerships,
    public,
    updates,
    workspaces,
)

app_name = "web"

urlpatterns = [
    # --- signing in, invitations, language -----------------------------------------
    path("signin/", account.SignInView.as_view(), name="signin"),
    path("signout/", account.sign_out, name="signout"),
    path("join/<str:token>/", account.accept_invitation, name="join"),
    path("language/", account.set_language, name="language"),
    path("invitations/", invitations.invitations, name="invitations"),
    # --- everyone, signed in or not ----------------------------------------------------
    path("", home.home, name="home"),
    path("directory/", public.directory, name="directory"),
    path("commissions/<uuid:commission_id>/", public.commission, name="commission"),
    path("partners/<uuid:partner_id>/", public.partner, name="partner"),
    path("updates/<uuid:update_id>/", updates.detail, name="update"),
    # --- workspaces and threads ----------------------------------------------------------
    path("workspaces/", workspaces.index, name="workspaces"),
    path("workspaces/new/", workspaces.create, name="workspace-new"),
    path("workspaces/<uuid:workspace_id>/", workspaces.workspace, name="workspace"),
    path("workspaces/<uuid:workspace_id>/threads/", workspaces.start_thread, name="start-thread"),
    path("workspaces/<uuid:workspace_id>/members/", workspaces.add_member, name="add-member"),
    path("threads/<uuid:thread_id>/", workspaces.thread, name="thread"),
    path("threads/<uuid:thread_id>/post/", workspaces.post_message, name="post-message"),
    path("threads/<uuid:thread_id>/read/", workspaces.mark_read, name="mark-read"),
    path("messages/<uuid:message_id>/edit/", workspaces.edit_message, name="edit-message"),
    path("messages/<uuid:message_id>/retract/", workspaces.retract_message, name="retract-message"),
    # --- meetings -------------------------------------------------------------------------------
    path("meetings/", meetings.index, name="meetings"),
    path("meetings/new/", meetings.schedule, name="meeting-new"),
    path("meetings/<uuid:meeting_id>/", meetings.detail, name="meeting"),
    path("meetings/<uuid:meeting_id>/act/", meetings.act, name="meeting-act"),
    # --- the activity feed and the dashboard -----------------------------------------------
    path("activity/", feed.activity_feed, name="activity"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("people/names/", feed.names, name="people-names"),
    # --- commission updates -------------------------------------------------------------------
    path("updates/", updates.index, name="updates"),
    path("updates/new/", updates.write, name="update-new"),
    path("updates/<uuid:update_id>/edit/", updates.write, name="update-edit"),
    path("updates/<uuid:update_id>/publish/", updates.publish, name="update-publish"),
    path("updates/<uuid:update_id>/withdraw/", updates.withdraw, name="update-withdraw"),
    path("updates/<uuid:update_id>/comments/", updates.comment, name="update-comment"),
    # --- partnerships ---------------------------------------------------------------------------
    path("partnerships/", partnerships.board, name="partnerships"),
    path("partnerships/new/", partnerships.submit, name="proposal-new"),
    path("partnerships/<uuid:proposal_id>/", partnerships.detail, name="proposal"),
    path("partnerships/<uuid:proposal_id>/decide/", partnerships.decide, name="proposal-decide"),
    # --- documents ------------------------------------------------------------------------------
    path("documents/", documents.library, name="documents"),
    path("documents/upload/", documents.upload, name="document-upload"),
    path("documents/<uuid:document_id>/", documents.detail, name="document"),
    path("documents/<uuid:document_id>/versions/", documents.add_version, name="document-version"),
    path("documents/<uuid:document_id>/download/", documents.download, name="document-download"),
    # --- auditors -------------------------------------------------------------------------------
    path("audit/", audit.index, name="audit"),
    path("audit/decisions/", audit.decisions, name="audit-decisions"),
    path("audit/<str:kind>/<uuid:resource_id>/", audit.history, name="audit-history"),
]
