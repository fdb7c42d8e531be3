"""Play-calling policies in the admin: the list, the read-only page with per-bucket
tables and the learning curve, the Recommend page (situation, defense, errors, adopt),
cancelling, the "Train play-calling policy" action on playbooks, and team isolation."""

import re
from pathlib import Path

import django.contrib.admin
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from playbook.models import Playbook, PlaybookEntry
from playbook.services import playbook_write
from simulation import policies
from simulation.models import JobStatus, Policy, PolicyAdoption
from simulation.policies import start as policy_start
from teams.models import Role
from tests.support import builders as b
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BUCKETS = ["3RD_SHORT", "1ST_ANY"]


def url(view, *args, model="simulation_policy"):
    return reverse(f"admin:{model}_{view}", args=args)


def staff(team, role=Role.COACH):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=team, role=role)
    return user


@pytest.fixture
def staff_coach(team):
    return staff(team)


@pytest.fixture
def setup(team):
    plays = [
        b.play(team, name="Trips Flood"),
        b.play(team, name="Bunch Slant", routes={"WR1": b.route(team, b.SLANT)}),
    ]
    scenarios = [b.scenario(team, name="Cover 2 Sky"), b.scenario(team, name="Cover 3 Buzz")]
    return {"plays": plays, "scenarios": scenarios}


def start(team, setup, capture, execute=True, episodes=800, **extra):
    with capture(execute=execute):
        policy = policies.policy_train_start(
            team=team,
            user=None,
            plays=setup["plays"],
            mix=[(s, 1.0) for s in setup["scenarios"]],
            buckets=extra.pop("buckets", BUCKETS),
            algorithm=extra.pop("algorithm", "thompson"),
            params={},
            episodes=episodes,
            seed=7,
            name=extra.pop("name", "Tiny"),
            **extra,
        )
    policy.refresh_from_db()
    return policy


@pytest.fixture
def trained(team, setup, django_capture_on_commit_callbacks):
    policy = start(team, setup, django_capture_on_commit_callbacks)
    assert policy.status == JobStatus.SUCCEEDED, policy.error
    return policy


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def recommend(client, policy, **query):
    response = client.get(url("recommend", policy.pk), query)
    assert response.status_code == 200
    return response


# --- the list ------------------------------------------------------------------------------


def test_changelist_queries_do_not_grow_with_policies(
    client, staff_coach, team, setup, django_capture_on_commit_callbacks
):
    client.force_login(staff_coach)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("changelist"))
        assert response.status_code == 200
        return len(captured), response

    start(team, setup, django_capture_on_commit_callbacks, execute=False)
    one, _ = queries()
    start(team, setup, django_capture_on_commit_callbacks, execute=False)
    start(team, setup, django_capture_on_commit_callbacks, execute=False, buckets=["GOALLINE"])
    three, response = queries()
    assert three == one
    assert len(response.context["cl"].result_list) == 3
    text = response.content.decode()
    assert "Queued" in text and "Thompson sampling (Normal)" in text and "800" in text
    assert "3rd &amp; short, 1st down" in text and "2 buckets" in text and "Goal line" in text
    assert "team" not in response.context["cl"].list_display  # one team: no team column


# --- the policy's page ------------------------------------------------------------------------


def test_page_shows_config_tables_and_curve(client, staff_coach, trained, setup):
    client.force_login(staff_coach)
    response = client.get(url("change", trained.pk))
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("Trips Flood", "Bunch Slant", "Cover 2 Sky", "Cover 3 Buzz"):
        assert name in text
    assert "Thompson sampling (Normal) (no parameters)" in text
    assert "800 over all buckets (about 400 each)" in text
    assert "800 of 800" in text
    assert "3rd and 2, 27 yd to the goal" in text
    # each bucket's 400: half against the mix, half against one defense at a time
    assert "200 episodes against the mix in batches of 32, 200 against one defense" in text
    assert "50.0 %" in text  # equal weights in the mix
    assert "95 % interval" in text and "Mean yards" in text
    arm = trained.stats["3RD_SHORT"]["arms"][str(setup["plays"][0].pk)]
    assert f"{arm['mean_reward']:.2f}" in text
    assert f"{arm['success_rate'] * 100:.1f} %" in text
    assert "<svg" in text and "<polyline" in text
    assert url("recommend", trained.pk) in text
    assert 'http-equiv="refresh"' not in text
    assert "Save" not in text.split('id="content-main"')[1]


def test_running_policy_reloads_and_failed_one_shows_its_error(
    client, staff_coach, team, setup, django_capture_on_commit_callbacks
):
    policy = start(team, setup, django_capture_on_commit_callbacks, execute=False)
    Policy.objects.filter(pk=policy.pk).update(status=JobStatus.RUNNING, progress=40)
    client.force_login(staff_coach)
    text = client.get(url("change", policy.pk)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in text and "40 %" in text
    assert "next slice" not in text
    # between two slices: queued again, with its progress, and the page says why
    Policy.objects.filter(pk=policy.pk).update(status=JobStatus.QUEUED, episodes_done=320)
    text = client.get(url("change", policy.pk)).content.decode()
    assert "queued in the background" in text and "40 % done" in text
    assert "waits for a worker to train its next slice" in text
    Policy.objects.filter(pk=policy.pk).update(
        status=JobStatus.FAILED, error="RuntimeError: worker died"
    )
    text = client.get(url("change", policy.pk)).content.decode()
    assert "RuntimeError: worker died" in text and 'http-equiv="refresh"' not in text
    # a failed policy has no calls to recommend: no link to the Recommend page
    assert url("recommend", policy.pk) not in text and "Recommend a play" not in text


ADMIN_CSS = Path(django.contrib.admin.__file__).parent / "static" / "admin" / "css"


def css_variables(name):
    """The custom properties of the first :root block of one of the admin's stylesheets."""
    block = re.search(r":root\s*\{([^}]*)\}", (ADMIN_CSS / name).read_text())[1]
    return dict(re.findall(r"--([\w-]+):\s*([^;]+);", block))


def colour(value, variables):
    while name := re.fullmatch(r"var\(--([\w-]+)\)", value.strip()):
        value = variables[name[1]]
    digits = value.strip().lstrip("#")
    return digits if len(digits) == 6 else "".join(c * 2 for c in digits)


def contrast(a, b):
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(rgb):
        c = [int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_situation_headers_are_readable_on_their_blue(client, staff_coach, trained):
    """A table's caption (the bucket and its situation) sits on the admin's header blue:
    the situation's colour, as the page's own rules give it (the most specific rule
    that reaches a .pol-caption-note in a caption wins), has ≥ 4.5:1 contrast on it,
    in the light and the dark theme."""
    client.force_login(staff_coach)
    text = client.get(url("change", trained.pk)).content.decode()
    assert '<caption>1st down <span class="pol-caption-note">' in text
    around = {".pol-table", ".module", "caption", ".pol-caption-note"}
    rules = []
    css = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    for order, (selectors, body) in enumerate(re.findall(r"([^{}<>]+)\{([^}]*)\}", css)):
        found = re.search(r"(?:^|;)\s*color:\s*([^;]+)", body)
        for selector in selectors.split(","):
            parts = selector.split()
            if found and parts and parts[-1] == ".pol-caption-note" and set(parts) <= around:
                classes = sum(p.startswith(".") for p in parts)
                rules.append(((classes, len(parts) - classes, order), found[1]))
    assert rules
    note = max(rules)[1]
    light = css_variables("base.css")
    dark = {**light, **css_variables("dark_mode.css")}
    for variables in (light, dark):
        ratio = contrast(colour(note, variables), colour("var(--header-bg)", variables))
        assert ratio >= 4.5, (note, ratio)


@pytest.mark.parametrize("status", [JobStatus.FAILED, JobStatus.CANCELLED])
def test_a_failed_or_cancelled_policy_offers_no_recommendation(
    client, staff_coach, trained, status
):
    """Even with statistics saved before it stopped: no link on its page, and its
    Recommend page (an old bookmark) sends the coach back to the policy."""
    Policy.objects.filter(pk=trained.pk).update(status=status)
    client.force_login(staff_coach)
    text = client.get(url("change", trained.pk)).content.decode()
    assert "Pulls" in text  # the tables are there, but no link
    assert url("recommend", trained.pk) not in text and "Recommend a play" not in text
    response = client.get(url("recommend", trained.pk), {"situation": "3RD_SHORT"})
    assert response.status_code == 302 and response["Location"] == url("change", trained.pk)
    page = client.get(response["Location"])
    assert f"Policy #{trained.pk} {status.label.lower()}: it has no play to recommend." in (
        messages_of(page)
    )


def test_reward_says_what_it_counts(client, staff_coach, trained):
    """Mean and expected reward carry their unit and meaning, in coach words."""
    client.force_login(staff_coach)
    words = "Reward is in points worth a yard each: the yards the play gained (counted from −5"
    tail = "plus 10 when it moves the chains or scores, minus 5 for a sack and minus 10 for an"
    text = client.get(url("change", trained.pk)).content.decode()
    assert f'<th class="num" title="{words}' in text and ">Mean reward (pts)</th>" in text
    assert tail in text
    text = recommend(client, trained, situation="3RD_SHORT").content.decode()
    assert f'<span title="{words}' in text and tail in text and " pts</span>" in text


def test_a_member_cannot_start_and_cancel_action(
    client, staff_coach, team, setup, django_capture_on_commit_callbacks
):
    queued = start(team, setup, django_capture_on_commit_callbacks, execute=False)
    client.force_login(staff(team, Role.MEMBER))
    assert client.get(url("add")).status_code == 403  # the start form is for coaches
    client.force_login(staff_coach)
    response = client.post(
        url("changelist"),
        {"action": "cancel_policies", "_selected_action": [queued.pk]},
        follow=True,
    )
    assert f"Cancelled: #{queued.pk}." in messages_of(response)
    queued.refresh_from_db()
    assert queued.status == JobStatus.CANCELLED


# --- recommend -------------------------------------------------------------------------------


def test_recommend_by_bucket(client, staff_coach, trained):
    client.force_login(staff_coach)
    response = recommend(client, trained, situation="3RD_SHORT")
    text = response.content.decode()
    answer = policies.policy_recommend(trained, "3RD_SHORT")
    top = answer["recommendations"][0]
    assert response.context["answer"]["bucket"] == "3RD_SHORT"
    assert text.index(top["name"]) < text.index(answer["recommendations"][1]["name"])
    assert f"{top['expected_reward']:.2f}" in text
    assert f"{top['interval'][0]:.1f} to {top['interval'][1]:.1f}" in text
    assert f"{answer['confidence'] * 100:.1f} %" in text
    assert top["reasoning"].split("(")[0] in text
    assert "Too little data" in text  # 400 episodes per bucket is too few to trust
    assert "Adopt into the call sheet" not in text  # the team has no playbook yet


def test_recommend_by_down_distance_and_with_a_defense(client, staff_coach, trained, setup):
    client.force_login(staff_coach)
    response = recommend(client, trained, down=1, distance=10, yardline=40)
    assert response.context["answer"]["bucket"] == "1ST_ANY"
    scenario = setup["scenarios"][1]
    response = recommend(client, trained, down=3, distance=2, yardline=30, scenario=scenario.pk)
    assert response.context["answer"]["scenario"] == scenario.pk
    assert "against Cover 3 Buzz" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"situation": "4TH_AND_FOREVER"}, "situation", "Select a valid choice"),
        ({"situation": "GOALLINE"}, "situation", "not trained for GOALLINE"),
        ({"down": "x", "distance": "2"}, "down", "whole number"),
        ({"down": "7", "distance": "2"}, "down", "must be 1 to"),
        ({"down": "3", "distance": "40", "yardline": "30"}, "distance", "yards to go"),
        ({"down": "3"}, "distance", "Give the yards to go"),
        ({"scenario": "999999", "situation": "1ST_ANY"}, "scenario", "Select a valid choice"),
        ({"scenario": "9" * 30, "situation": "1ST_ANY"}, "scenario", "Select a valid choice"),
        ({"down": "9" * 30, "distance": "2"}, "down", "must be 1 to"),
        ({"down": "3", "distance": "inf"}, "distance", "Enter a number"),
    ],
)
def test_bad_input_is_a_form_error(client, staff_coach, trained, query, field, message):
    client.force_login(staff_coach)
    response = recommend(client, trained, **query)
    assert response.context["answer"] is None
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors


def test_other_teams_scenario_is_not_a_choice(client, staff_coach, trained, other_team):
    theirs = b.scenario(other_team)
    client.force_login(staff_coach)
    response = recommend(client, trained, situation="1ST_ANY", scenario=theirs.pk)
    assert "scenario" in response.context["form"].errors
    assert theirs.name not in response.content.decode()


# --- adopt ----------------------------------------------------------------------------------


def test_adopt_from_the_page(client, staff_coach, team, trained, setup):
    book = playbook_write(
        team=team,
        data={"name": "Game Day"},
        entries=[{"play": setup["plays"][0], "call_number": "1", "situations": []}],
    )
    client.force_login(staff_coach)
    page = recommend(client, trained, situation="3RD_SHORT").content.decode()
    assert "Adopt into the call sheet" in page and "Game Day" in page
    play = setup["plays"][1]
    response = client.post(
        url("recommend", trained.pk),
        {
            "bucket": "3RD_SHORT",
            "play": play.pk,
            "playbook": book.pk,
            "call_number": "22",
            "query": "situation=3RD_SHORT",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("recommend", trained.pk) + "?situation=3RD_SHORT"
    adoption = PolicyAdoption.objects.get()
    assert (adoption.playbook, adoption.play, adoption.bucket) == (book, play, "3RD_SHORT")
    assert adoption.adopted_by == staff_coach and adoption.call_number == "22"
    entry = PlaybookEntry.objects.get(playbook=book, play=play)
    assert entry.call_number == "22" and "3RD_SHORT" in entry.situations
    shown = messages_of(client.get(response["Location"]))
    assert any(m.startswith(f"Adopted {play.name} as call 22") for m in shown)

    # a clash with an existing call number is a message, not a 500
    response = client.post(
        url("recommend", trained.pk),
        {"bucket": "1ST_ANY", "play": play.pk, "playbook": book.pk, "call_number": "1"},
        follow=True,
    )
    assert response.status_code == 200
    assert any(m.startswith("Not adopted:") for m in messages_of(response))
    assert PolicyAdoption.objects.count() == 1


def test_member_reads_recommendations_but_cannot_adopt(client, team, trained, setup):
    book = playbook_write(team=team, data={"name": "Book"}, entries=[])
    client.force_login(staff(team, Role.MEMBER))
    page = recommend(client, trained, situation="1ST_ANY").content.decode()
    assert "Adopt into the call sheet" not in page
    response = client.post(
        url("recommend", trained.pk),
        {"bucket": "1ST_ANY", "play": setup["plays"][0].pk, "playbook": book.pk},
    )
    assert response.status_code == 403
    assert not PolicyAdoption.objects.exists()


# --- the train action on playbooks -------------------------------------------------------------


def train_action(client, *books, follow=False):
    data = {"action": "train_policy", "_selected_action": [book.pk for book in books]}
    return client.post(url("changelist", model="playbook_playbook"), data, follow=follow)


def test_train_action_starts_a_policy_and_redirects(
    client, staff_coach, team, setup, django_capture_on_commit_callbacks
):
    book = playbook_write(
        team=team,
        data={"name": "Game Day"},
        entries=[
            {"play": p, "call_number": str(i + 1), "situations": []}
            for i, p in enumerate(setup["plays"])
        ],
    )
    client.force_login(staff_coach)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = train_action(client, book)
    policy = Policy.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("change", policy.pk)
    assert len(callbacks) == 1  # the training is queued once the request commits
    assert policy.playbook == book and policy.algorithm == "thompson"
    assert policy.episodes == 20_000 and 0 <= policy.seed < 2**31
    assert set(policy.plays.all()) == set(setup["plays"])
    assert policy.mix == [{"scenario": s.pk, "weight": 1.0} for s in setup["scenarios"]]
    assert policy.buckets and set(policy.buckets) <= set(policies.REPRESENTATIVE)
    assert policy.created_by == staff_coach and policy.status == JobStatus.QUEUED
    shown = messages_of(client.get(response["Location"]))
    assert any(m.startswith(f"Policy #{policy.pk} is training on Game Day") for m in shown)


def test_train_action_refusals(client, staff_coach, team, setup):
    one_play = playbook_write(
        team=team,
        data={"name": "Thin"},
        entries=[{"play": setup["plays"][0], "call_number": "1", "situations": []}],
    )
    client.force_login(staff_coach)
    response = train_action(client, one_play, follow=True)
    refused = "Thin: the training was refused: plays: At least 2 different plays are needed"
    assert f"{refused} to choose between." in messages_of(response)
    book = playbook_write(
        team=team,
        data={"name": "Full"},
        entries=[
            {"play": p, "call_number": str(i + 1), "situations": []}
            for i, p in enumerate(setup["plays"])
        ],
    )
    for scenario in setup["scenarios"]:
        scenario.delete()
    response = train_action(client, book, follow=True)
    assert f"Full: {team} has no scenarios to train against yet: add one first." in (
        messages_of(response)
    )
    assert not Policy.objects.exists()


def test_train_action_service_refusal_is_a_message(client, staff_coach, team, setup, monkeypatch):
    book = playbook_write(
        team=team,
        data={"name": "Full"},
        entries=[
            {"play": p, "call_number": str(i + 1), "situations": []}
            for i, p in enumerate(setup["plays"])
        ],
    )

    def refuse(**kwargs):
        raise ValidationError({"lineup": ["the lineup belongs to another team"]})

    real_start = policies.policy_train_start
    monkeypatch.setattr(policies, "policy_train_start", refuse)
    client.force_login(staff_coach)
    response = train_action(client, book, follow=True)
    assert response.status_code == 200
    assert (
        "Full: the training was refused: lineup: the lineup belongs to another team"
        in messages_of(response)
    )
    monkeypatch.setattr(policies, "policy_train_start", real_start)
    monkeypatch.setattr(policy_start, "MAX_PLAYS", 1)  # the service's own rule refuses
    response = train_action(client, book, follow=True)
    assert "Full: the training was refused: plays: At most 1 plays." in messages_of(response)
    assert not Policy.objects.exists()


def test_training_only_playbooks_you_cannot_see_is_a_message(client, staff_coach, other_team):
    theirs = playbook_write(team=other_team, data={"name": "Theirs"}, entries=[])
    client.force_login(staff_coach)
    response = train_action(client, theirs, follow=True)
    assert response.status_code == 200
    (message,) = messages_of(response)
    assert "None of the selected playbooks can be used" in message
    assert not Policy.objects.exists()


def test_member_cannot_train(client, team, setup):
    book = playbook_write(
        team=team,
        data={"name": "Book"},
        entries=[
            {"play": p, "call_number": str(i + 1), "situations": []}
            for i, p in enumerate(setup["plays"])
        ],
    )
    client.force_login(staff(team, Role.MEMBER))
    response = train_action(client, book, follow=True)
    assert response.status_code == 200
    assert not Policy.objects.exists()
    assert Playbook.objects.count() == 1


# --- team isolation ----------------------------------------------------------------------------


def test_coach_of_another_team_sees_nothing(client, trained, team, other_team):
    outsider = staff(other_team)
    client.force_login(outsider)
    response = client.get(url("changelist"))
    assert list(response.context["cl"].result_list) == []
    assert team.name not in response.content.decode()
    assert client.get(url("change", trained.pk)).status_code == 302  # "does not exist"
    assert client.get(url("recommend", trained.pk), {"situation": "1ST_ANY"}).status_code == 404
    response = client.post(url("recommend", trained.pk), {"bucket": "1ST_ANY"})
    assert response.status_code == 404
    assert client.get(url("recommend", "nope")).status_code == 404
