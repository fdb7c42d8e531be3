"""One cap on a playbook's entries for every way in (PUT, add-entry, import, the
services), and pages that keep working for a playbook that got past it before."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from playbook import history, services
from playbook.interchange import FieldOSImportError, fieldos_import, sources_from_data
from playbook.models import Play, Playbook, PlaybookEntry
from playbook.validation import MAX_ENTRIES
from tests.support import builders as b
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def many_plays(team, n):
    """n plays in one query (no validation needed: only the entries are under test)."""
    formation = b.formation(team)
    Play.objects.bulk_create(
        Play(team=team, name=f"Play {i:04}", external_id=f"play_{i}", formation=formation)
        for i in range(n)
    )
    return list(Play.objects.filter(team=team).order_by("name"))


def entries(plays):
    return [{"play": p, "call_number": str(i + 1), "situations": []} for i, p in enumerate(plays)]


def book_url(team, book, action=None):
    name = f"playbook-{action}" if action else "playbook-detail"
    return reverse(name, kwargs={"team_id": team.pk, "pk": book.pk})


def test_the_writer_refuses_one_entry_over_the_cap(team):
    plays = many_plays(team, MAX_ENTRIES + 1)
    services.playbook_write(team=team, data={"name": "Full"}, entries=entries(plays[:-1]))
    with pytest.raises(ValidationError) as refused:
        services.playbook_write(team=team, data={"name": "Too many"}, entries=entries(plays))
    assert refused.value.message_dict == {
        "entries": [f"{MAX_ENTRIES + 1:,} entries — a playbook holds at most {MAX_ENTRIES}"]
    }
    assert not Playbook.objects.filter(name="Too many").exists()


def test_adding_an_entry_to_a_full_playbook_is_a_400(team, coach):
    plays = many_plays(team, MAX_ENTRIES + 1)
    book = services.playbook_write(team=team, data={"name": "Full"}, entries=entries(plays[:-1]))
    api = client_for(coach)
    response = api.post(
        book_url(team, book, "add-entry"),
        {"play": plays[-1].pk, "call_number": "X1"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "at most 300" in response.json()["errors"]["entries"][0]
    assert book.entries.count() == MAX_ENTRIES


def test_put_and_import_have_the_same_cap(team, coach):
    plays = many_plays(team, MAX_ENTRIES + 1)
    api = client_for(coach)
    body = {
        "name": "Put",
        "entries": [{"play": p.pk, "call_number": str(i)} for i, p in enumerate(plays)],
    }
    response = api.post(reverse("playbook-list", kwargs={"team_id": team.pk}), body, format="json")
    assert response.status_code == 400
    book = {
        "id": "playbook_big",
        "name": "Big",
        "entries": [
            {"play": p.external_id, "call_number": str(i + 1)} for i, p in enumerate(plays)
        ],
    }
    with pytest.raises(FieldOSImportError) as refused:
        fieldos_import(team=team, sources=sources_from_data("playbooks.json", [book], "playbooks"))
    assert "a playbook holds at most 300" in str(refused.value)
    assert not Playbook.objects.filter(team=team).exists()


def test_pages_of_an_oversized_playbook_stay_up(team, coach, django_assert_max_num_queries):
    """A playbook stored with more entries than SQLite takes in one id list (1,000) before
    the cap, or by a raw load: its list, detail, call sheet and history answer, with
    queries that do not grow per entry."""
    plays = many_plays(team, 1200)
    book = services.playbook_write(team=team, data={"name": "Small"}, entries=entries(plays[:2]))
    PlaybookEntry.objects.bulk_create(
        PlaybookEntry(playbook=book, play=p, call_number=f"C{i}", order=i + 2)
        for i, p in enumerate(plays[2:])
    )
    book.save()  # a version holding every row
    history.seal(book)
    api = client_for(coach)
    for url in (
        reverse("playbook-list", kwargs={"team_id": team.pk}),
        book_url(team, book),
        book_url(team, book, "call-sheet"),
        book_url(team, book, "history"),
    ):
        with django_assert_max_num_queries(12):
            response = api.get(url)
        assert response.status_code == 200, (url, response.content[:300])
