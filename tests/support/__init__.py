"""Everything tests share, in one package:

- `fixtures`: role-named fixtures (team, other_team, owner, coach, member,
  other_team_coach, *_client, api_client_for), made visible by tests/conftest.py;
- `clients`: `client_for(user)`;
- `factories`: factory_boy factories of users, teams and memberships;
- `builders`: valid playbook objects built through the services;
- `admin`: the same for admin tests, admin POST helpers, staff users and page errors;
- `api`: TeamScopedAPITests, the generic checks every team-scoped endpoint plugs into,
  and `errors` (a 400's field errors);
- `probe`: the helpers and object sets of the bad-input probes (url, error shapes, one
  of everything in a team and in another team);
- `children`: real child processes (workers, servers, scripts) on a migrated SQLite file."""
