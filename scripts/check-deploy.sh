#!/usr/bin/env bash
# Deployment checks that need no Docker engine (CI runs this before npm test):
#   - docker-compose.yml through a real Compose parser (`docker compose config`, else Debian's docker-compose),
#   - the Dockerfile through two linters from npm (dockerfile-utils: syntax and arguments;
#     dockerlinter: hadolint-style rules with shellcheck on every RUN),
#   - the image's shell entry point and this script through shellcheck.
# Missing tools are installed (Debian packages with apt-get, linters from npm into node_modules/.cache).
# The image's commands themselves are run by test/deploy/image-commands.test.ts under npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
lint_dir="$root/node_modules/.cache/deploy-lint"
lint_packages=(dockerfile-utils@0.16.3 dockerlinter@2.0.0)
# Rules left out, with why:
#   SC2215  dockerlinter feeds `RUN --mount=type=cache,...` to shellcheck flag and all, which reads the flag
#           as a command; the build cache mount is valid BuildKit syntax.
#   ER0012  apt version pins: Debian replaces package versions in point releases, so pins break builds.
dockerlinter_ignore=SC2215,ER0012

step() { printf '\n== %s\n' "$*"; step_start=$SECONDS; }
done_step() { printf -- '-- ok (%ss)\n' "$((SECONDS - step_start))"; }

# Debian packages this needs, installed in one apt-get run when missing.
missing=()
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v shellcheck >/dev/null || missing+=(shellcheck)
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "missing: ${missing[*]} (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  step "installing ${missing[*]} (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  done_step
fi

step "compose file: parse and validate"
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
echo "parser: $("${compose[@]}" version | head -n 1)"
# With the optional profile on, so the collector service is validated too.
COMPOSE_PROFILES=collector "${compose[@]}" -f docker-compose.yml config -q
services=$(COMPOSE_PROFILES=collector "${compose[@]}" -f docker-compose.yml config --services | sort | tr '\n' ' ')
[[ $services == "api collector redis worker " ]] || { echo "unexpected services: $services" >&2; exit 1; }
echo "services: $services"
done_step

step "Dockerfile: lint"
installed() { [[ -f "$lint_dir/node_modules/$1/package.json" ]] &&
  [[ $(node -p "require('$lint_dir/node_modules/$1/package.json').version") == "$2" ]]; }
if ! installed dockerfile-utils 0.16.3 || ! installed dockerlinter 2.0.0; then
  echo "installing ${lint_packages[*]} (npm)"
  mkdir -p "$lint_dir"
  # --ignore-scripts: dockerlinter's install script downloads shellcheck from GitHub; Debian's is used instead.
  npm install --prefix "$lint_dir" --no-save --ignore-scripts --no-audit --no-fund --loglevel=error \
    "${lint_packages[@]}" >/dev/null
fi
echo "dockerfile-utils $(node -p "require('$lint_dir/node_modules/dockerfile-utils/package.json').version")"
"$lint_dir/node_modules/.bin/dockerfile-utils" lint Dockerfile
echo "dockerlinter $(node -p "require('$lint_dir/node_modules/dockerlinter/package.json').version")," \
  "shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
# dockerlinter writes its shellcheck scratch files into the working folder: give it its own.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && "$lint_dir/node_modules/.bin/dockerlinter" -f "$root/Dockerfile" -s sh -e info -i "$dockerlinter_ignore")
echo "no findings"
done_step

step "shell scripts: shellcheck"
shellcheck docker-entrypoint.sh scripts/check-deploy.sh
done_step

printf '\ndeploy checks passed in %ss\n' "$SECONDS"
