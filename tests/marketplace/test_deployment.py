"""The deployment files: docker-compose.yml against the Compose Specification schema, and every
service, variable and port it references exists; the Dockerfile builds the image the way we need."""

import copy
import importlib.resources
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
APP_SERVICES = {"migrate", "web", "worker", "search-outbox", "messaging-unread", "scheduler"}
BACKING_SERVICES = {"db", "redis", "elasticsearch", "minio", "minio-init"}
# ${NAME}, ${NAME:-default}, ${NAME:?error}; "$$" escapes a dollar for the container's shell.
INTERPOLATION_RE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")
HOST_PORT_RE = re.compile(r"(?:https?|postgres|redis)://(?:[^@/\s]*@)?([a-z0-9.-]+|\$\{[^}]+\}):(\d+)")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def compose_schema():
    # The Compose Specification's own JSON schema, as vendored by check-jsonschema (PyPI).
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath("compose-spec.json").read_text())


def _interpolate(text: str, values: dict) -> str:
    """What Compose does with .env: ${NAME} and ${NAME:-default} replaced by the value."""
    return INTERPOLATION_RE.sub(lambda m: values.get(m.group(1)) or (m.group(3) if m.group(2) == ":-" else ""), text)


@pytest.fixture(scope="module")
def env_example():
    """Names set in .env.example, and names only documented there (commented out)."""
    set_names, documented = {}, set()
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            documented.add(match.group(2))
            if not match.group(1):
                set_names[match.group(2)] = match.group(3)
    return set_names, documented


def _strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif node is not None:
        yield str(node)


def _validator(schema):
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_compose_file_is_valid_against_the_compose_specification(compose, compose_schema):
    assert compose_schema["title"] == "Compose Specification"
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(compose_schema).iter_errors(compose)]
    assert errors == []


def test_the_schema_check_does_catch_a_broken_compose_file(compose, compose_schema):
    typo = copy.deepcopy(compose)
    typo["services"]["web"]["helthcheck"] = typo["services"]["web"].pop("healthcheck")
    bad_condition = copy.deepcopy(compose)
    bad_condition["services"]["web"]["depends_on"]["db"]["condition"] = "whenever"

    assert "helthcheck" in " ".join(e.message for e in _validator(compose_schema).iter_errors(typo))
    assert list(_validator(compose_schema).iter_errors(bad_condition))


def test_the_stack_has_every_service_with_health_checks_and_named_volumes(compose):
    services = compose["services"]
    assert set(services) == APP_SERVICES | BACKING_SERVICES
    for name in ("web", "db", "redis", "elasticsearch", "minio"):
        assert services[name]["healthcheck"]["test"], name
    assert services["elasticsearch"]["image"].startswith("docker.elastic.co/elasticsearch/elasticsearch:8.")
    assert services["minio"]["image"].startswith("minio/minio:")
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    # Named volumes only: data survives `docker compose down` and never lands in the source tree.
    declared = set(compose["volumes"])
    used = {mount.split(":", 1)[0] for svc in services.values() for mount in svc.get("volumes", [])}
    assert used == declared == {"pgdata", "redisdata", "esdata", "miniodata"}


def test_web_runs_the_asgi_app_under_uvicorn_workers_and_workers_run_tasks_and_the_outbox(compose):
    services = compose["services"]
    web = " ".join(services["web"]["command"])
    assert web.startswith("gunicorn marketplace.asgi:application")
    assert "--worker-class=marketplace.common.workers.MarketplaceUvicornWorker" in web
    bind_port = int(re.search(r"--bind=0\.0\.0\.0:(\d+)", web).group(1))
    assert bind_port in _listening_ports(services["web"])
    assert services["worker"]["command"] == ["python", "manage.py", "task_worker"]
    assert services["search-outbox"]["command"] == ["python", "manage.py", "search_outbox_drain", "--loop"]
    assert services["messaging-unread"]["command"][:3] == ["python", "manage.py", "messaging_unread_emails"]
    scheduled = " ".join(services["scheduler"]["command"])
    for command in (
        "follow_up_overdue_projects",
        "privacy_purge",
        "email_digests",
        "search_saved_digest",
        "invoice_reminders",
        "publish_due_reviews",
        "follow_up_deliveries",
        "community_event_reminders",
    ):
        assert f"python manage.py {command}" in scheduled
    for name in APP_SERVICES:
        assert services[name]["image"] == "pigiste-qc:latest"
        assert services[name]["environment"]["DJANGO_DEBUG"] == "0"
        assert services[name]["environment"]["LOG_FORMAT"] == "json"


def test_every_referenced_service_exists(compose):
    services = compose["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown service {dependency}"
            assert dependency != name
    # Application services wait for healthy backing services, and the stack's processes for the migration.
    for name in APP_SERVICES - {"migrate"}:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_every_interpolated_variable_is_set_in_env_example(compose, env_example):
    set_names, _ = env_example
    text = (BASE_DIR / "docker-compose.yml").read_text()
    referenced = {match.group(1) for match in INTERPOLATION_RE.finditer(text)}
    assert referenced, "the compose file should take its secrets and names from .env"
    assert sorted(referenced - set(set_names)) == []


def test_every_setting_read_from_the_environment_is_documented_in_env_example(env_example):
    _, documented = env_example
    settings_text = (BASE_DIR / "marketplace" / "settings.py").read_text()
    read = set(re.findall(r'env\.[a-z_]+\(\s*"([A-Z][A-Z0-9_]*)"', settings_text))
    assert "DJANGO_SECRET_KEY" in read
    assert sorted(read - documented) == []


def test_env_example_never_allows_every_host(env_example):
    set_names, _ = env_example
    assert "*" not in set_names["DJANGO_ALLOWED_HOSTS"]
    assert set_names["DJANGO_HTTPS"] == "1"


def _listening_ports(service: dict) -> set[int]:
    ports = {int(port) for port in service.get("expose", [])}
    for mapping in service.get("ports", []):
        ports.add(int(str(mapping).rsplit(":", 1)[-1]))  # the container side
    return ports


def test_every_host_and_port_referenced_is_a_service_listening_there(compose, env_example):
    services = compose["services"]
    set_names, _ = env_example
    aliases = {}
    for name, service in services.items():
        aliases[name] = name
        for alias in service.get("networks", {}).get("default", {}).get("aliases", []):
            aliases[_interpolate(alias, set_names)] = name

    def resolve(host: str) -> str:
        host = _interpolate(host, set_names)
        return aliases.get(host, host)

    references = []
    for name, service in services.items():
        for text in _strings(service):
            references += [(name, host, int(port)) for host, port in HOST_PORT_RE.findall(text)]
    for key in ("AWS_S3_ENDPOINT_URL",):
        references += [(".env.example", host, int(port)) for host, port in HOST_PORT_RE.findall(set_names[key])]
    assert len(references) >= 8

    for origin, host, port in references:
        target = resolve(host)
        if target in {"127.0.0.1", "localhost"}:
            # A health check calling its own container.
            assert port in _listening_ports(services[origin]), (origin, host, port)
            continue
        assert target in services, f"{origin} refers to unknown host {host}"
        assert port in _listening_ports(services[target]), f"{origin} refers to {host}:{port}, not exposed by {target}"


def test_published_ports_are_bound_to_localhost_and_distinct(compose, env_example):
    set_names, _ = env_example
    published = []
    for service in compose["services"].values():
        for mapping in service.get("ports", []):
            host_ip, host_port, container_port = _interpolate(str(mapping), set_names).split(":")
            assert host_ip == "127.0.0.1"
            published.append(host_port)
    assert len(published) == len(set(published)) == 2


def test_dockerfile_builds_a_slim_non_root_image_with_static_files_and_translations():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    instructions = [line.split(None, 1) for line in dockerfile.splitlines() if line and not line.startswith((" ", "#"))]
    names = [parts[0] for parts in instructions]

    # The image that runs is the last stage; earlier ones are named build stages (npm's static files).
    stages = [parts[1] for parts in instructions if parts[0] == "FROM"]
    assert stages[-1] == "python:3.11-slim"
    assert all(" AS " in stage for stage in stages[:-1])
    assert "collectstatic --noinput" in dockerfile
    assert "compilemessages" in dockerfile
    user = [parts[1] for parts in instructions if parts[0] == "USER"]
    assert user and user[-1].split(":")[0] not in {"root", "0"}
    # The build steps run as root before USER; the process runs as the app user.
    assert names.index("USER") > max(i for i, n in enumerate(names) if n == "RUN")
    assert "HEALTHCHECK" in names and "/healthz" in dockerfile
    assert "uvicorn.workers.UvicornWorker" in dockerfile


def test_dockerignore_keeps_secrets_and_local_data_out_of_the_image():
    ignored = (BASE_DIR / ".dockerignore").read_text().splitlines()
    for entry in (".env", ".git", ".venv", "var", "media", "staticfiles"):
        assert entry in ignored
    assert "!.env.example" in ignored


def test_every_pinned_requirement_the_image_needs_is_present():
    requirements = (BASE_DIR / "requirements.txt").read_text()
    for package in ("gunicorn==", "uvicorn[standard]==", "django-storages[s3]==", "django-csp==", "whitenoise=="):
        assert package in requirements


def test_the_production_worker_turns_websocket_compression_off_and_caps_frames():
    from marketplace.common.workers import MarketplaceUvicornWorker

    assert MarketplaceUvicornWorker.CONFIG_KWARGS["ws_per_message_deflate"] is False
    assert MarketplaceUvicornWorker.CONFIG_KWARGS["ws_max_size"] == 262_144
