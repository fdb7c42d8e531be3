#!/usr/bin/env bash
# `make run`: give this install a SECRET_KEY of its own, generated once into the env
# file (default .env, git-ignored; config/settings/base.py reads it). The key in
# config/settings/dev.py is in the repository, so anyone could sign JWTs with it.
# An existing SECRET_KEY line is kept; other lines are left alone.
set -euo pipefail
env_file=${1:-.env}
if [ -f "$env_file" ] && grep -qE '^[[:space:]]*(export[[:space:]]+)?SECRET_KEY=.+' "$env_file"; then
  exit 0
fi
key=$(od -An -N48 -tx1 /dev/urandom | tr -d ' \n')
umask 077
if [ -s "$env_file" ] && [ -n "$(tail -c1 "$env_file")" ]; then
  echo >>"$env_file"
fi
printf 'SECRET_KEY=%s\n' "$key" >>"$env_file"
chmod 600 "$env_file"
echo "dev-secret: wrote a new SECRET_KEY for this install to $env_file"
