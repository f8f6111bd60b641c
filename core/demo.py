"""The demo data, written through the commands (events), never by SQL.

Idempotent by construction: every command has a fixed command id, so running
the seed again returns the first results and changes nothing. Demo accounts
exist only outside production (settings.DEMO_MODE), all with the password
``tawasul-demo``.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model

from events.errors import DomainError
from events.ids import commission_id
from events.platform import Tawasul, application
from events.roles import Actor, Role

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "tawasul-demo"  # noqa: S105

ORGANISATIONS = {
    "ALECSO": {
        "ar": "المنظمة العربية للتربية والثقافة والعلوم",
        "en": "Arab League Educational, Cultural and Scientific Organization",
        "fr": "Organisation arabe pour l'éducation, la culture et les sciences",
    },
    "ICESCO": {
        "ar": "منظمة العالم الإسلامي للتربية والعلوم والثقافة",
        "en": "Islamic World Educational, Scientific and Cultural Organization",
        "fr": "Organisation du monde islamique pour l'éducation, les sciences et la culture",
    },
    "UNESCO": {
        "ar": "منظمة الأمم المتحدة للتربية والعلم والثقافة",
        "en": "United Nations Educational, Scientific and Cultural Organization",
        "fr": "Organisation des Nations unies pour l'éducation, la science et la culture",
    },
}

# The 22 member states of ALECSO: code, Arabic adjective, English, French "de ...".
MEMBER_STATES = [
    ("DZ", "الجزائرية", "Algerian", "algérienne"),
    ("BH", "البحرينية", "Bahraini", "bahreïnienne"),
    ("KM", "القمرية", "Comorian", "comorienne"),
    ("DJ", "الجيبوتية", "Djiboutian", "djiboutienne"),
    ("EG", "المصرية", "Egyptian", "égyptienne"),
    ("IQ", "العراقية", "Iraqi", "irakienne"),
    ("JO", "الأردنية", "Jordanian", "jordanienne"),
    ("KW", "الكويتية", "Kuwaiti", "koweïtienne"),
    ("LB", "اللبنانية", "Lebanese", "libanaise"),
    ("LY", "الليبية", "Libyan", "libyenne"),
    ("MR", "الموريتانية", "Mauritanian", "mauritanienne"),
    ("MA", "المغربية", "Moroccan", "marocaine"),
    ("OM", "العمانية", "Omani", "omanaise"),
    ("PS", "الفلسطينية", "Palestinian", "palestinienne"),
    ("QA", "القطرية", "Qatari", "qatarienne"),
    ("SA", "السعودية", "Saudi", "saoudienne"),
    ("SO", "الصومالية", "Somali", "somalienne"),
    ("SD", "السودانية", "Sudanese", "soudanaise"),
    ("SY", "السورية", "Syrian", "syrienne"),
    ("TN", "التونسية", "Tunisian", "tunisienne"),
    ("AE", "الإماراتية", "Emirati", "émirienne"),
    ("YE", "اليمنية", "Yemeni", "yéménite"),
]

PARTNERS = [
    ("TN", "school", {"ar": "المدرسة الإعدادية النموذجية بأريانة", "fr": "Collège pilote de l'Ariana"}),
    ("TN", "club", {"ar": "نادي اليونسكو بصفاقس", "fr": "Club UNESCO de Sfax"}),
    ("TN", "chair", {"ar": "كرسي الألكسو للتراث الرقمي", "en": "ALECSO Chair in Digital Heritage"}),
    ("TN", "university", {"ar": "جامعة تونس المنار", "fr": "Université de Tunis El Manar"}),
    ("TN", "research_centre", {"ar": "مركز البحوث في التربية", "fr": "Centre de recherche en éducation"}),
    ("TN", "ngo", {"ar": "جمعية أصدقاء الكتاب", "fr": "Association des amis du livre"}),
    ("MA", "university", {"ar": "جامعة محمد الخامس", "fr": "Université Mohammed V"}),
    ("MA", "school", {"ar": "ثانوية ابن خلدون", "fr": "Lycée Ibn Khaldoun"}),
    (
        "MA",
        "organisation",
        {"ar": "المعهد الملكي للثقافة الأمازيغية", "fr": "Institut royal de la culture amazighe"},
    ),
    ("MA", "other", {"ar": "متحف الفنون بالرباط", "en": "Rabat Museum of Arts"}),
    ("EG", "university", {"ar": "جامعة القاهرة", "en": "Cairo University"}),
    ("JO", "ngo", {"ar": "مؤسسة نهر الأردن", "en": "Jordan River Foundation"}),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    language: str


ACCOUNTS = [
    DemoAccount("secretariat", "أمانة المنظمة", "ar"),
    DemoAccount("auditor", "Auditor", "en"),
    DemoAccount("staff.tn", "سلمى بن علي", "ar"),
    DemoAccount("staff.ma", "Youssef El Amrani", "fr"),
    DemoAccount("partner.tn", "Amine Trabelsi", "fr"),
]

# A minimal, valid one-page PDF.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class Seeder:
    def __init__(self, app: Tawasul) -> None:
        self.app = app
        self.system = Actor.system()
        self.users: dict[str, str] = {}

    def run(self, step: str, actor: Actor, method: str, **kwargs: Any) -> Any:
        """One command with a fixed command id: the seed's idempotency."""
        try:
            return getattr(self.app, method)(actor, command_id=f"seed.{step}", **kwargs)
        except DomainError as error:
            logger.info("seed step %s skipped: %s", step, error.detail)
            return None

    def account(self, account: DemoAccount) -> str:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=account.username,
            defaults={
                "display_name": account.display_name,
                "language": account.language,
                "email": f"{account.username}@demo.tawasul.invalid",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        self.users[account.username] = str(user.pk)
        return str(user.pk)

    def seed(self) -> None:
        acronym = settings.HOST_ORGANISATION
        self.run(
            "organisation",
            self.system,
            "register_organisation",
            acronym=acronym,
            name=ORGANISATIONS.get(acronym, {"en": acronym}),
        )
        for code, ar, en, fr in MEMBER_STATES:
            self.run(
                f"commission.{code}",
                self.system,
                "register_commission",
                country=code,
                name={
                    "ar": f"اللجنة الوطنية {ar} للتربية والثقافة والعلوم",
                    "en": f"{en} National Commission for Education, Culture and Science",
                    "fr": f"Commission nationale {fr} pour l'éducation, la culture et la science",
                },
            )
        if not settings.DEMO_MODE:
            return
        self.seed_people()
        self.seed_activity()

    def seed_people(self) -> None:
        for account in ACCOUNTS:
            self.account(account)
        tn, ma = commission_id("TN"), commission_id("MA")
        self.run(
            "member.secretariat",
            self.system,
            "add_organisation_member",
            user_id=self.users["secretariat"],
            role="secretariat",
        )
        self.run(
            "member.auditor",
            self.system,
            "add_organisation_member",
            user_id=self.users["auditor"],
            role="auditor",
        )
        self.run(
            "member.staff.tn",
            self.system,
            "add_commission_member",
            commission_id=tn,
            user_id=self.users["staff.tn"],
            role="staff",
        )
        self.run(
            "member.staff.ma",
            self.system,
            "add_commission_member",
            commission_id=ma,
            user_id=self.users["staff.ma"],
            role="staff",
        )
        self.run(
            "sg.tn",
            self.system,
            "appoint_secretary_general",
            commission_id=tn,
            name={"ar": "د. منية الحمامي", "fr": "Dr Monia Hammami"},
        )
        self.partners: dict[int, UUID] = {}
        for index, (country, kind, name) in enumerate(PARTNERS):
            result = self.run(
                f"partner.{index}",
                self.system,
                "register_partner",
                kind=kind,
                country=country,
                name=name,
                commission_id=commission_id(country),
            )
            if result is not None:
                self.partners[index] = result.id
        self.run(
            "member.partner.tn",
            self.system,
            "add_partner_member",
            partner_id=self.partners[0],
            user_id=self.users["partner.tn"],
            role="partner_manager",
        )

    def seed_activity(self) -> None:
        tn, ma = commission_id("TN"), commission_id("MA")
        staff_tn = Actor.holding(self.users["staff.tn"], Role.STAFF, commission_id=tn)
        staff_ma = Actor.holding(self.users["staff.ma"], Role.STAFF, commission_id=ma)
        secretariat = Actor.holding(self.users["secretariat"], Role.SECRETARIAT)
        partner_tn = Actor.holding(
            self.users["partner.tn"], Role.PARTNER_MANAGER, partner_id=self.partners[0]
        )

        digital = self.run(
            "workspace.digital",
            staff_tn,
            "create_workspace",
            name="التعليم الرقمي — Digital education",
            commission_id=tn,
            description="تنسيق برنامج المدارس المنتسبة للتعليم الرقمي.",
        )
        for who in ("partner.tn", "secretariat", "staff.ma"):
            self.run(
                f"workspace.digital.{who}",
                staff_tn,
                "add_workspace_member",
                workspace_id=digital.id,
                user_id=self.users[who],
            )
        kickoff = self.run(
            "thread.kickoff",
            staff_tn,
            "start_thread",
            workspace_id=digital.id,
            title="انطلاق البرنامج — Programme kickoff",
        )
        for index, (actor, text) in enumerate(
            [
                (staff_tn, "مرحبا بالجميع! نبدأ اليوم التحضير لبرنامج التعليم الرقمي."),
                (partner_tn, "Merci ! Notre collège est prêt à accueillir l'atelier pilote."),
                (secretariat, "Welcome all. The secretariat will share the 2026 guidelines this week."),
                (staff_ma, "نشارككم تجربة المغرب في منصات التعلم عن بعد — happy to present on Thursday."),
            ]
        ):
            self.run(f"message.kickoff.{index}", actor, "post_message", thread_id=kickoff.id, text=text)
        self.run(
            "thread.calendar", staff_tn, "start_thread", workspace_id=digital.id, title="الرزنامة — Calendar"
        )

        heritage = self.run(
            "workspace.heritage", staff_ma, "create_workspace", name="Heritage Week 2026", commission_id=ma
        )
        self.run(
            "workspace.heritage.secretariat",
            staff_ma,
            "add_workspace_member",
            workspace_id=heritage.id,
            user_id=self.users["secretariat"],
        )
        venues = self.run(
            "thread.venues",
            staff_ma,
            "start_thread",
            workspace_id=heritage.id,
            title="Venues and exhibitions",
        )
        self.run(
            "message.venues.0",
            staff_ma,
            "post_message",
            thread_id=venues.id,
            text="We propose the Rabat Museum of Arts for the opening exhibition.",
        )
        self.run(
            "message.venues.1",
            secretariat,
            "post_message",
            thread_id=venues.id,
            text="موافقون مبدئيا. يرجى إرسال الميزانية التقديرية.",
        )

        news = self.run(
            "update.news",
            staff_tn,
            "draft_update",
            commission_id=tn,
            kind="news",
            title={"ar": "انطلاق برنامج المدارس المنتسبة", "fr": "Lancement du réseau des écoles associées"},
            body={
                "ar": "أعلنت اللجنة الوطنية التونسية عن انطلاق الدورة الجديدة.",
                "fr": "La Commission nationale tunisienne lance la nouvelle édition.",
            },
        )
        self.run("update.news.publish", staff_tn, "publish_update", update_id=news.id)
        report = self.run(
            "update.report",
            staff_ma,
            "draft_update",
            commission_id=ma,
            kind="activity_report",
            title={"fr": "Rapport d'activité 2025", "ar": "تقرير النشاط 2025"},
            body={"fr": "Bilan des activités de la Commission en 2025."},
        )
        self.run("update.report.publish", staff_ma, "publish_update", update_id=report.id)
        self.run(
            "update.draft",
            staff_tn,
            "draft_update",
            commission_id=tn,
            kind="publication",
            title={"ar": "دليل الأنشطة الثقافية"},
            body={"ar": "مسودة قيد الإعداد."},
        )

        states = [
            ("submitted", ()),
            ("under_review", ("start_proposal_review",)),
            ("accepted", ("start_proposal_review", "accept_proposal")),
            ("rejected", ("start_proposal_review", "reject_proposal")),
            ("concluded", ("start_proposal_review", "accept_proposal", "conclude_proposal")),
        ]
        for index, (label, steps) in enumerate(states):
            staff, commission, partner = (
                (staff_tn, tn, self.partners[index % 6])
                if index % 2 == 0
                else (staff_ma, ma, self.partners[6 + index % 4])
            )
            proposal = self.run(
                f"proposal.{label}",
                staff,
                "submit_proposal",
                commission_id=commission,
                partner_ids=[partner],
                title={"ar": f"شراكة {index + 1}", "en": f"Partnership {index + 1}: {label}"},
                summary={
                    "en": "A joint programme of workshops for young people.",
                    "ar": "برنامج مشترك من الورشات لفائدة الشباب.",
                },
            )
            for step in steps:
                extra = (
                    {"rationale": "Aligned with the 2026 plan."} if step != "start_proposal_review" else {}
                )
                self.run(f"proposal.{label}.{step}", secretariat, step, proposal_id=proposal.id, **extra)

        self.run(
            "document.guidelines",
            secretariat,
            "upload_document",
            resource_kind="workspace",
            resource_id=digital.id,
            name="guidelines-2026.pdf",
            content=io.BytesIO(DEMO_PDF),
        )
        self.run(
            "document.news",
            staff_tn,
            "upload_document",
            resource_kind="update",
            resource_id=news.id,
            name="programme.txt",
            visibility="public",
            content=io.BytesIO("برنامج الدورة — Programme de l'édition 2026\n".encode()),
        )
        self.run(
            "comment.news",
            staff_ma,
            "post_comment",
            resource_kind="update",
            resource_id=news.id,
            text="مبروك! Félicitations à toute l'équipe.",
        )
        self.seed_meetings(secretariat, staff_tn, staff_ma, partner_tn)

    def seed_meetings(self, secretariat: Actor, staff_tn: Actor, staff_ma: Actor, partner_tn: Actor) -> None:
        """The secretariat's next Executive Council session, a bilateral meeting with
        Tunisia and a national training with its agenda and registrations."""
        tn = commission_id("TN")
        day = dt.datetime.now(dt.UTC).replace(hour=8, minute=0, second=0, microsecond=0)
        self.run(
            "meeting.council",
            secretariat,
            "schedule_meeting",
            kind="governing_body_session",
            title={
                "ar": "الدورة العادية للمجلس التنفيذي",
                "en": "Executive Council, ordinary session",
                "fr": "Conseil exécutif, session ordinaire",
            },
            starts_at=day + dt.timedelta(days=20),
            ends_at=day + dt.timedelta(days=21, hours=9),
            time_zone="Africa/Tunis",
            place="Tunis",
            visibility="public",
        )
        self.run(
            "meeting.bilateral",
            secretariat,
            "schedule_meeting",
            kind="bilateral_meeting",
            title={"ar": "اجتماع ثنائي مع اللجنة الوطنية التونسية", "en": "Bilateral meeting with Tunisia"},
            starts_at=day + dt.timedelta(days=7, hours=1),
            ends_at=day + dt.timedelta(days=7, hours=3),
            time_zone="Africa/Tunis",
            online_link="https://meet.example.org/tn-bilateral",
            commission_ids=[tn],
        )
        training = self.run(
            "meeting.training",
            staff_tn,
            "schedule_meeting",
            kind="training",
            title={
                "ar": "دورة تدريبية وطنية في التعليم الرقمي",
                "fr": "Formation nationale à l'éducation numérique",
            },
            starts_at=day + dt.timedelta(days=14),
            ends_at=day + dt.timedelta(days=14, hours=7),
            time_zone="Africa/Tunis",
            place="Ariana",
            commission_ids=[tn],
            capacity=25,
        )
        if training is None:
            return
        for n, (title, minutes) in enumerate(
            (({"ar": "الافتتاح", "fr": "Ouverture"}, 20), ({"ar": "ورشة تطبيقية", "fr": "Atelier"}, 120))
        ):
            self.run(
                f"meeting.training.item{n}",
                staff_tn,
                "add_agenda_item",
                meeting_id=training.id,
                title=title,
                duration_minutes=minutes,
            )
        for who, actor in (("staff.ma", staff_ma), ("partner.tn", partner_tn)):
            self.run(f"meeting.training.{who}", actor, "register_for_meeting", meeting_id=training.id)
        self.run("meeting.training.convene", staff_tn, "convene_meeting", meeting_id=training.id)
        self.seed_past_session(secretariat, day)

    def seed_past_session(self, secretariat: Actor, day: dt.datetime) -> None:
        """Last quarter's Executive Council session, held, with its minutes adopted."""
        session = self.run(
            "meeting.council.past",
            secretariat,
            "schedule_meeting",
            kind="governing_body_session",
            title={
                "ar": "الدورة السابقة للمجلس التنفيذي",
                "en": "Executive Council, previous session",
                "fr": "Conseil exécutif, session précédente",
            },
            starts_at=day - dt.timedelta(days=90),
            ends_at=day - dt.timedelta(days=89, hours=-9),
            time_zone="Africa/Tunis",
            place="Tunis",
            visibility="public",
        )
        if session is None:
            return
        self.run(
            "meeting.council.past.item",
            secretariat,
            "add_agenda_item",
            meeting_id=session.id,
            title={"ar": "تقرير الأمين العام", "en": "Report of the Director-General"},
            duration_minutes=60,
        )
        for step in ("convene_meeting", "open_meeting", "close_meeting"):
            self.run(f"meeting.council.past.{step}", secretariat, step, meeting_id=session.id)
        self.run(
            "meeting.council.past.minutes",
            secretariat,
            "draft_meeting_minutes",
            meeting_id=session.id,
            text={
                "ar": "اطّلع المجلس على تقرير المدير العام وصادق عليه.",
                "en": "The Council took note of the Director-General's report and approved it.",
            },
        )
        for step in ("circulate_meeting_minutes", "adopt_meeting_minutes"):
            self.run(f"meeting.council.past.{step}", secretariat, step, meeting_id=session.id)


def seed(app: Tawasul | None = None) -> None:
    Seeder(app or application()).seed()


def store_is_empty(app: Tawasul | None = None) -> bool:
    return not (app or application()).recorder.max_notification_id()
