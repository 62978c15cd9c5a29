"""The submission snapshot: everything submitted, as plain JSON (format in the platform notes)."""

from datetime import UTC, datetime

from app.applications.models import Application, Participant
from app.applications.services.checklist import Checklist, counts


def _participant(participant: Participant, checklist: Checklist) -> dict:
    organisation = participant.organisation
    budget = checklist.budget.participants[str(participant.id)]
    return {
        "id": participant.id,
        "role": participant.role,
        "organisation": {
            "id": organisation.id, "name": organisation.name,
            "short_name": organisation.short_name, "country": organisation.country,
            "org_type": organisation.org_type, "is_sme": bool(organisation.is_sme),
            "controller_id": organisation.controller_id,
        },
        "fields_of_science": list(participant.fields_of_science or []),
        "key_personnel_women": participant.key_personnel_women,
        "key_personnel_men": participant.key_personnel_men,
        "budget": {
            "lines": [{"category": line.category, "ict_category": line.ict_category,
                       "open_source": bool(line.open_source), "description": line.description,
                       "amount": str(line.amount)} for line in participant.budget_lines],
            "direct": str(budget.direct), "indirect": str(budget.indirect),
            "eligible": str(budget.eligible), "requested": str(budget.requested),
            "funding_rate": str(budget.funding_rate),
        },
    }


def build_snapshot(application: Application, *, number: int, at: datetime,
                   checklist: Checklist) -> dict:
    call = application.call
    budget = checklist.budget
    return {
        "number": number,
        "submitted_at": at.astimezone(UTC).isoformat(),
        "call": {"id": call.id, "reference": call.reference, "title": call.title,
                 "kind": call.kind, "currency": call.currency},
        "application": {
            "id": application.id, "acronym": application.acronym, "title": application.title,
            "abstract": application.abstract, "duration_months": application.duration_months,
            "strategic_area": application.strategic_area,
            "ict_categories": list(application.ict_categories or []),
            "bid_price": None if application.bid_price_amount is None
            else str(application.bid_price_amount),
        },
        "participants": [_participant(p, checklist) for p in application.participants
                         if counts(p)],
        "budget": {
            "requested": str(budget.requested), "eligible": str(budget.eligible),
            "by_ict_category": {str(code): str(amount)
                                for code, amount in budget.by_ict_category.items()},
            "open_source_share": str(budget.open_source_share),
        },
        "attachments": [{"id": a.id, "kind": a.kind, "filename": a.filename, "size": a.size,
                         "sha256": a.sha256} for a in application.current_attachments],
        "eligibility": checklist.report,
    }
