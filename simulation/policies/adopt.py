"""Adopting a recommended call into a playbook's call sheet."""

from django.core.exceptions import ValidationError
from django.db import transaction

from playbook.services import playbook_entries, playbook_write
from simulation.models import PolicyAdoption
from simulation.policies.recommend import PolicyError, policy_recommend


@transaction.atomic
def policy_adopt(*, policy, bucket, play, playbook, call_number="", user=None):
    """Put `play` into `playbook`'s call sheet for `bucket` (adding the entry, or the
    bucket to its situations) and record the adoption. Playbook rules (unique call
    numbers …) are checked by playbook_write."""
    if bucket not in policy.buckets:
        raise PolicyError({"bucket": [f"This policy was not trained for {bucket}."]})
    if not policy.plays.filter(pk=play.pk).exists():
        raise PolicyError({"play": [f"{play.name} is not one of this policy's plays."]})
    entries = playbook_entries(playbook)
    call_number = str(call_number or "").strip()
    existing = next((e for e in entries if e["play"].pk == play.pk), None)
    if existing:
        if bucket not in existing["situations"]:
            existing["situations"] = [*existing["situations"], bucket]
        if call_number and call_number != existing["call_number"]:
            raise ValidationError(
                {
                    "call_number": [
                        f"{play.name} is already call {existing['call_number']} in "
                        f"{playbook.name}; adopting adds this situation to that call."
                    ]
                }
            )
        call_number = existing["call_number"]
    else:
        if not call_number:
            used = {e["call_number"] for e in entries}
            call_number = next(str(n) for n in range(1, len(entries) + 2) if str(n) not in used)
        entries.append({"play": play, "call_number": call_number, "situations": [bucket]})
    playbook_write(
        team=playbook.team,
        data={"name": playbook.name, "description": playbook.description},
        entries=entries,
        instance=playbook,
    )
    shown = next(
        (r for r in policy_recommend(policy, bucket)["recommendations"] if r["play"] == play.pk),
        {},
    )
    return PolicyAdoption.objects.create(
        team=policy.team,
        policy=policy,
        bucket=bucket,
        play=play,
        playbook=playbook,
        call_number=call_number,
        recommendation=shown,
        adopted_by=user,
    )
