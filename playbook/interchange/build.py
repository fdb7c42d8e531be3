"""Per-kind writing: each kind's spec → the values its writer takes ({"data": model
fields, "rows": service rows}) with references resolved, and what runs once a kind is
written (default flags, a default lineup, rows prefetched for the plays' checks)."""

from football.duties import defenders_from_call
from playbook import services, validation
from playbook.constants import Duty
from playbook.interchange.format import SCENARIO_FIELD, SCENARIO_FIELDS
from playbook.models import Formation, Lineup, Play, Route, Ruleset, default_ruleset


class Skip(Exception):
    """This object cannot be written (its error is recorded, or a dependency failed)."""


class KindWriters:
    """Mixed into the Writer, which provides get(), error(), done, status, kept, team."""

    def _rules(self, spec, where):
        return {"data": {"name": spec["name"], **spec["values"]}, "rows": None}

    def _after_rules(self):
        """Apply "default" flags once every ruleset is written (a kept team ruleset stays
        as it is)."""
        wanted = [
            (i, flag)
            for i, flag in self.rule_defaults.items()
            if self.done["rules"].get(i) and i not in self.kept["rules"]
        ]
        defaults = [i for i, flag in wanted if flag]
        if len(defaults) > 1:
            where = self.defs["rules"][defaults[1]][1]
            self.error(
                where, "default", f"only one default ruleset per team (also '{defaults[0]}')"
            )
            return
        for item_id, flag in sorted(wanted, key=lambda w: w[1]):  # unset first
            ruleset = self.done["rules"][item_id]
            if ruleset.is_default == flag:
                continue
            self.journal.changing(ruleset)
            if flag:
                services.ruleset_make_default(ruleset)
            else:
                Ruleset.objects.filter(pk=ruleset.pk).update(is_default=False)
                ruleset.is_default = False
            if self.status["rules"][item_id] == "unchanged":
                self.status["rules"][item_id] = "updated"

    def _players(self, spec, where):
        return {"data": dict(spec), "rows": None}

    def _lineups(self, spec, where):
        spots = [
            {
                "role": s["role"],
                "player": self.get("players", s["player"], where, f"spots.{s['role']}"),
            }
            for s in spec["spots"]
        ]
        return {"data": {"name": spec["name"], "is_default": spec["is_default"]}, "rows": spots}

    def _after_lineups(self):
        """A team that got players gets a default lineup when it has none."""
        if (
            self.done["players"]
            and not Lineup.objects.filter(team=self.team, is_default=True).exists()
        ):
            lineup = services.lineup_build_default(self.team)
            self.journal.created(lineup)
            self.status["lineups"][f"(default lineup '{lineup.name}')"] = "created"

    def _formations(self, spec, where):
        ruleset = self.get("rules", spec["rules"], where, "rules")
        return {
            "data": {"name": spec["name"], "ruleset": ruleset},
            "rows": [dict(s) for s in spec["slots"]],
        }

    def _after_formations(self):
        self._refetch("formations", "slots")

    def _routes(self, spec, where):
        data = {"name": spec["name"], "settle": spec["settle"]}
        return {"data": data, "rows": [dict(b) for b in spec["breakpoints"]]}

    def _after_routes(self):
        self._refetch("routes", "breakpoints")

    def _refetch(self, kind, rows):
        """Written objects with their rows prefetched: plays validate against them."""
        ids = {}  # pk → the import's ids it answers for (a reused object may answer for two)
        for item_id, obj in self.done[kind].items():
            if obj is not None:
                ids.setdefault(obj.pk, []).append(item_id)
        model = Formation if kind == "formations" else Route
        for obj in model.objects.filter(pk__in=ids).prefetch_related(rows):
            for item_id in ids[obj.pk]:
                self.done[kind][item_id] = obj
            self.by_id[kind][obj.external_id] = obj

    def _plays(self, spec, where):
        formation = self.get("formations", spec["formation"], where, "formation")
        ruleset = self.get("rules", spec["rules"], where, "rules")
        assignments = [
            {
                "role": a["role"],
                "route": self.get("routes", a["route"], where, f"assignments.{a['role']}"),
            }
            for a in spec["assignments"]
        ]
        motion = spec["motion"] or {
            "role": "",
            "x": None,
            "y": None,
            "duration_ms": None,
            "kind": "",
            "at_snap": False,
        }
        data = {
            "name": spec["name"],
            "formation": formation,
            "ruleset": ruleset,
            "progression": spec["progression"],
            "max_time_to_throw_ms": spec["max_time_to_throw_ms"],
            "scramble_allowed": spec["scramble_allowed"],
            "motion_role": motion["role"],
            "motion_x": motion["x"],
            "motion_y": motion["y"],
            "motion_duration_ms": motion["duration_ms"],
            "motion_kind": motion["kind"],
            "motion_at_snap": motion["at_snap"],
            **{f: spec[f] for f in Play.HANDOFF_FIELDS},
            "tags": spec["tags"],
            "notes": spec["notes"],
        }
        return {"data": data, "rows": assignments}

    def _scenarios(self, spec, where):
        ruleset = self.get("rules", spec["rules"], where, "rules")
        rules = ruleset or default_ruleset(self.team)
        if spec["field"] and ruleset is None:
            self.summary.kinds["scenarios"]["warnings"].append(
                f"{where.at('field')}: ignored; the scenario names no ruleset, so it plays on "
                "the team's default field"
            )
        for key, value in (spec["field"] or {}).items():
            stored = getattr(ruleset, SCENARIO_FIELD[key], value)
            if ruleset is not None and stored != value:
                self.error(
                    where,
                    f"field.{key}",
                    f"{value} differs from its ruleset '{spec['rules']}' ({stored}); a scenario "
                    "plays on its ruleset's field",
                )
                raise Skip
        if spec["duties"] is None:
            wanted = spec["rushers_count"] or 0
            limits = validation.Rules.of(rules)
            distance = limits.rush_distance
            rows, missing = defenders_from_call(
                spec["positions"],
                spec["coverage"],
                wanted,
                distance,
                shell=spec["shell"],
                half_width=limits.half_width,
            )
            if missing:
                self.error(
                    where,
                    "defense_call.rushers_count",
                    f"{wanted} rusher(s) called but only {wanted - missing} defender(s) line up "
                    f"at least {distance} yd deep (the rush distance)",
                )
                raise Skip
        else:
            rows = [
                {"slot": slot, "x": x, "y": y, **spec["duties"][slot]}
                for slot, (x, y) in sorted(spec["positions"].items())
            ]
            rushing = sum(r["duty"] == Duty.RUSH for r in rows)
            if spec["rushers_count"] is not None and spec["rushers_count"] != rushing:
                self.error(
                    where,
                    "defense_call.rushers_count",
                    f"{spec['rushers_count']} but defender_assignments has {rushing} RUSH",
                )
                raise Skip
        for row in rows:
            player_id = spec["players"].get(row["slot"])
            path = f"defender_players.{row['slot']}"
            row["player"] = self.get("players", player_id, where, path) if player_id else None
        data = {"name": spec["name"], "ruleset": ruleset}
        data.update({f: spec[f] for f in SCENARIO_FIELDS})
        return {"data": data, "rows": rows}

    def _playbooks(self, spec, where):
        entries = [
            {
                "play": self.get("plays", e["play"], where, f"entries[{i}].play"),
                "call_number": e["call_number"].strip(),
                "situations": e["situations"],
            }
            for i, e in enumerate(spec["entries"])
        ]
        return {"data": {"name": spec["name"], "description": spec["description"]}, "rows": entries}
