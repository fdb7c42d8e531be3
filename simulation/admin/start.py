"""The coach's start forms: a simulation run (plays × defenses, situation, ruleset,
lineup, episodes, seed) and a training (a playbook or plays, a weighted defense mix,
buckets, algorithm, episodes). They are the add pages of the run and policy admins;
every rule is the services' (simulation_run_check, policy_train_check), so the form
shows the same words as the API, next to the field they are about."""

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpResponseRedirect
from django.urls import reverse

from playbook.constants import Bucket
from playbook.models import Lineup, Play, Playbook, Ruleset, Scenario
from simulation import policies, services
from simulation.learning import DEFAULT_ALGORITHM, EPSILON_GREEDY, THOMPSON, UCB1, default_c
from simulation.models import Policy, SimulationRun
from simulation.policies.start import MAX_EPISODES as MAX_TRAIN_EPISODES
from simulation.policies.start import MIN_EPISODES as MIN_TRAIN_EPISODES
from teams.models import EDITOR_ROLES
from teams.scoping import user_team_ids

# A service's error key → the form field that shows it.
RUN_FIELDS = {
    "situation.down": "down",
    "situation.distance": "distance",
    "situation.yardline": "yardline",
    "non_field_errors": None,
}
TRAIN_FIELDS = {"mix": "scenarios", "params": "parameter", "non_field_errors": None}


def _show(form, error, names):
    """A service's field-keyed ValidationError as the form's own errors."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = names.get(key, key)
        form.add_error(name if name in form.fields else None, messages)


def _other_team(form, team, related):
    """Plays, defenses, a ruleset or a lineup of a team other than the chosen one."""
    for name, chosen in related.items():
        objs = [o for o in (chosen or []) if o is not None]
        strays = [str(o) for o in objs if o.team_id != team.pk]
        if strays:
            form.add_error(name, f"Not in {team}: {', '.join(strays)}. Pick {team}'s own.")
    return bool(form.errors)


def _bounds(field, low, high):
    """Limits on a model form's number field (validators, and the browser's min/max)."""
    field.min_value, field.max_value = low, high
    field.validators += [MinValueValidator(low), MaxValueValidator(high)]
    field.widget.attrs.update(min=low, max=high)


class _TeamChoices:
    """Offers only the objects of the user's teams (the admin sets `scope`)."""

    scope = staticmethod(lambda queryset: queryset)
    related = {
        "plays": Play,
        "scenarios": Scenario,
        "ruleset": Ruleset,
        "lineup": Lineup,
        "playbook": Playbook,
    }

    def scope_choices(self):
        for name, model in self.related.items():
            if name in self.fields:
                queryset = model.objects.select_related("team").order_by("team__name", "name")
                self.fields[name].queryset = self.scope(queryset)


class SimulationStartForm(_TeamChoices, forms.ModelForm):
    class Meta:
        model = SimulationRun
        fields = [
            "team",
            "plays",
            "scenarios",
            "down",
            "distance",
            "yardline",
            "ruleset",
            "lineup",
            "episodes",
            "seed",
            "traces_requested",
        ]
        labels = {
            "scenarios": "Defenses",
            "distance": "Yards to go",
            "yardline": "Yards to the goal",
            "traces_requested": "Replays per pair",
        }
        help_texts = {
            "plays": "Every selected play meets every selected defense.",
            "ruleset": "Empty: each defense's own ruleset, else the team's default field.",
            "lineup": "Empty: the team's players by role.",
            "episodes": f"Per play × defense pair (at most {services.MAX_EPISODES:,}). "
            f"Runs of up to {services.INLINE_EPISODES:,} episodes in all finish at once; "
            "larger ones run in the background.",
            "seed": "Empty: random. The same seed and inputs give the same figures.",
            "traces_requested": "Recorded episodes per pair, shown as replays (0–20).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_choices()
        situation = services.DEFAULT_SITUATION
        for name in ("down", "distance", "yardline"):
            self.fields[name].initial = situation[name]
        self.fields["episodes"].initial = 2000
        _bounds(self.fields["episodes"], 1, services.MAX_EPISODES)
        self.fields["seed"].required = False
        self.fields["traces_requested"].initial = 1
        _bounds(self.fields["traces_requested"], 0, 20)
        self.fields["traces_requested"].required = False

    def clean(self):
        data = super().clean()
        team = data.get("team")
        if team is None or self.errors:
            return data
        if _other_team(
            self,
            team,
            {
                "plays": data.get("plays"),
                "scenarios": data.get("scenarios"),
                "ruleset": [data.get("ruleset")],
                "lineup": [data.get("lineup")],
            },
        ):
            return data
        self.start = {
            "team": team,
            "plays": list(data["plays"]),
            "scenarios": list(data["scenarios"]),
            "episodes": data["episodes"],
            "seed": data.get("seed"),
            "situation": {k: data[k] for k in ("down", "distance", "yardline")},
            "traces": data.get("traces_requested") or 0,
            "ruleset": data.get("ruleset"),
            "lineup": data.get("lineup"),
        }
        try:
            services.simulation_run_check(
                **{k: self.start[k] for k in ("team", "plays", "scenarios", "episodes")},
                situation=self.start["situation"],
                ruleset=self.start["ruleset"],
            )
        except ValidationError as error:
            _show(self, error, RUN_FIELDS)
        return data


ALGORITHM_CHOICES = [
    (THOMPSON, "Thompson sampling (no parameter)"),
    (UCB1, "UCB1 (parameter: c, exploration)"),
    (EPSILON_GREEDY, "ε-greedy (parameter: epsilon, 0–1)"),
]
PARAMETER_NAME = {UCB1: "c", EPSILON_GREEDY: "epsilon"}


class TrainingStartForm(_TeamChoices, forms.ModelForm):
    weights = forms.CharField(
        required=False,
        help_text="How often each selected defense is called, in the order listed (by name), "
        "e.g. “2, 1, 1”. Empty: equally often.",
    )
    situation_buckets = forms.MultipleChoiceField(
        choices=Bucket.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Situations",
        help_text="The buckets a call is learned for. None ticked: every bucket every "
        "selected defense fits.",
    )
    parameter = forms.FloatField(
        required=False,
        help_text=f"UCB1: c (default {default_c():.1f}); ε-greedy: epsilon (default 0.1); "
        "Thompson: none.",
    )

    class Meta:
        model = Policy
        fields = [
            "team",
            "name",
            "playbook",
            "plays",
            "scenarios",
            "ruleset",
            "lineup",
            "algorithm",
            "episodes",
            "seed",
        ]
        labels = {"scenarios": "Defenses"}
        help_texts = {
            "playbook": "Its plays are the choices (or pick plays below instead).",
            "plays": "Without a playbook: the plays to choose between (at least 2).",
            "scenarios": "The defense mix the policy learns against.",
            "ruleset": "Empty: each defense's own ruleset, else the team's default field.",
            "episodes": f"Budget over all situations ({MIN_TRAIN_EPISODES:,}–"
            f"{MAX_TRAIN_EPISODES:,}).",
            "seed": "Empty: random.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_choices()
        self.fields["plays"].required = False
        self.fields["seed"].required = False
        self.fields["algorithm"] = forms.ChoiceField(
            choices=ALGORITHM_CHOICES, initial=DEFAULT_ALGORITHM
        )
        self.fields["episodes"].initial = 20_000
        _bounds(self.fields["episodes"], MIN_TRAIN_EPISODES, MAX_TRAIN_EPISODES)

    def clean(self):
        data = super().clean()
        team = data.get("team")
        if team is None or self.errors:
            return data
        book, plays = data.get("playbook"), list(data.get("plays") or [])
        if _other_team(
            self,
            team,
            {
                "playbook": [book],
                "plays": plays,
                "scenarios": data.get("scenarios"),
                "ruleset": [data.get("ruleset")],
                "lineup": [data.get("lineup")],
            },
        ):
            return data
        if book is not None and plays:
            self.add_error("plays", "A playbook or plays, not both: the playbook's plays are used.")
            return data
        if book is not None:
            plays = [e.play for e in book.entries.select_related("play")]
        scenarios = sorted(data.get("scenarios") or [], key=lambda s: (s.name, s.pk))
        raw = [w for w in (data.get("weights") or "").replace(";", ",").split(",") if w.strip()]
        try:
            weights = [float(w) for w in raw] if raw else [1.0] * len(scenarios)
        except ValueError:
            self.add_error("weights", "Numbers separated by commas.")
            return data
        if len(weights) != len(scenarios):
            self.add_error("weights", f"{len(weights)} weights for {len(scenarios)} defenses.")
            return data
        if any(w < 0 for w in weights) or (weights and not sum(weights)):
            self.add_error("weights", "Weights are 0 or more, and not all 0.")
            return data
        algorithm = data["algorithm"]
        params = {}
        if data.get("parameter") is not None:
            if algorithm not in PARAMETER_NAME:
                self.add_error("parameter", "Thompson sampling takes no parameter: leave it empty.")
                return data
            params[PARAMETER_NAME[algorithm]] = data["parameter"]
        mix = list(zip(scenarios, weights, strict=True))
        chosen = data.get("situation_buckets")
        buckets = [
            b
            for b in Bucket.values
            if (
                b in chosen
                if chosen
                else not policies.scenario_fit_errors(scenarios, [b], data.get("ruleset"), team)
            )
        ]
        if not buckets:
            problems = policies.scenario_fit_errors(
                scenarios, Bucket.values, data.get("ruleset"), team
            )
            self.add_error("scenarios", f"No situation fits every defense: {problems[0]}")
            return data
        self.start = {
            "team": team,
            "plays": plays,
            "mix": mix,
            "buckets": buckets,
            "algorithm": algorithm,
            "params": params,
            "episodes": data["episodes"],
            "ruleset": data.get("ruleset"),
        }
        try:
            policies.policy_train_check(**self.start)
        except ValidationError as error:
            _show(self, error, TRAIN_FIELDS)
        self.start.update(
            playbook=book,
            seed=data.get("seed"),
            lineup=data.get("lineup"),
            name=data.get("name") or "",
        )
        return data


class StartPage:
    """The add page of a job admin (runs, policies) is its start form: the form's
    checks are the services', saving calls the service, then the new job's page."""

    start_form: type[forms.ModelForm]
    start_fieldsets: tuple
    # start_job(request, start) -> job: each admin calls its own service with the form's
    # checked arguments (a run and a training start differently).

    def has_add_permission(self, request, obj=None):
        return self._can(request, None, self.write_roles)

    def get_changeform_initial_data(self, request):
        """A coach of one team starts jobs for it: the team is filled in."""
        initial = super().get_changeform_initial_data(request)
        teams = list(user_team_ids(request.user, EDITOR_ROLES)[:2])
        if "team" not in initial and len(teams) == 1:
            initial["team"] = teams[0]["team_id"]
        return initial

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.start_fieldsets
        return super().get_fieldsets(request, obj)

    def get_fields(self, request, obj=None):
        return flatten_fieldsets(self.get_fieldsets(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change, **kwargs)
        kwargs["form"], kwargs["fields"] = self.start_form, None
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"scope": lambda _, qs: self._scope(request, qs)})

    def save_model(self, request, obj, form, change):
        created = self.start_job(request, form.start)
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # the service linked the plays and defenses

    def response_add(self, request, obj, post_url_continue=None):
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
