"""The multi-instance deployment on one machine, from Debian packages (`make stack`).

nginx in front (deploy/nginx/chat.conf.template) serving the website's demo
page, the widget's files and the chat channels, proxied to several Rasa
instances that share a PostgreSQL tracker store and a Redis lock store; one
action server; the staff review app on its own port. Everything listens on
127.0.0.1 and lives in a work directory that is removed at the end.

PostgreSQL has the deployment's least-privilege roles (review/database_roles.py), with
passwords: the Rasa instances sign in as `clinic_rasa`, the review app as
`clinic_review`; each process is given only its own database URL.

`scripts/run_stack.py` runs it until Ctrl-C; the tests drive the same `Stack`
(tests/integration/test_multi_instance.py): they stop PostgreSQL, kill a Rasa
instance, and talk to each instance directly.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import string
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from devtools.processes import ServerDidNotStart, free_port, spawn, stop_group, wait_until_up
from devtools.project_files import PROJECT_ROOT
from devtools.services import PostgresServer, RedisServer, ServiceError

VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "chat.conf.template"
STARTUP_LIMIT_SECONDS = 300
UNAVAILABLE_RESPONSE = "utter_something_went_wrong"
# Set per process (its own role's URL), never inherited from the caller's environment.
DATABASE_VARIABLES = frozenset({"CONVERSATIONS_DB_URL", "REVIEW_DATABASE_URL"})


def nginx_quoted(text: str) -> str:
    """`text` as a single-quoted nginx string that nginx turns back into `text`."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def unavailable_reply(domain_file: Path) -> str:
    """The REST reply when no Rasa instance answers: the domain's failure message.

    In English and then in Spanish: nginx cannot know the conversation's language.
    """
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    variations = sorted(domain["responses"][UNAVAILABLE_RESPONSE], key=lambda v: "condition" in v)
    messages = [{"recipient_id": "", "text": variation["text"]} for variation in variations]
    # "$" would start an nginx variable: JSON's escape for it instead.
    return json.dumps(messages).replace("$", "\\u0024")


def write_error_pages(directory: Path, domain_file: Path = PROJECT_ROOT / "domain.yml") -> None:
    """rasa-unavailable.conf, included by the nginx template's @rasa_unavailable."""
    directory.mkdir(parents=True, exist_ok=True)
    reply = nginx_quoted(unavailable_reply(domain_file))
    (directory / "rasa-unavailable.conf").write_text(f"return 200 {reply};\n", encoding="utf-8")


def render_template(template: str, values: dict[str, str]) -> str:
    """Fills ${NAME} placeholders like envsubst; nginx's $variables stay as they are."""
    rendered = string.Template(template).safe_substitute(values)
    missing = sorted(_placeholders_left(rendered))
    if missing:
        raise ServiceError(f"nginx template placeholders without a value: {missing}")
    return rendered


def _placeholders_left(text: str) -> set[str]:
    return {
        match.group("braced")
        for match in string.Template.pattern.finditer(text)
        if match.group("braced") and match.group("braced").isupper()
    }


def nginx_main_config(directory: Path, site_config: Path) -> str:
    """A minimal nginx.conf keeping its pid, logs and temporary files in `directory`."""
    temporary = {name: directory / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temporary.values():
        path.mkdir(exist_ok=True)
    # As root (CI) the workers would switch to `nobody`, who cannot read a
    # private checkout; this stack is local and short-lived, so they stay root.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;  # visitors' addresses are not needed here
    client_body_temp_path {temporary["body"]};
    proxy_temp_path {temporary["proxy"]};
    fastcgi_temp_path {temporary["fastcgi"]};
    uwsgi_temp_path {temporary["uwsgi"]};
    scgi_temp_path {temporary["scgi"]};
    include {site_config};
}}
"""


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Waits until `url` answers (any HTTP status), or raises ServiceError with the log's tail."""
    try:
        wait_until_up(url, process, log, STARTUP_LIMIT_SECONDS)
    except ServerDidNotStart as error:
        raise ServiceError(str(error)) from error


class Stack:
    """Starts and stops the whole multi-instance system; lets tests break parts of it."""

    def __init__(
        self,
        directory: Path,
        instances: int = 2,
        port: int | None = None,
        staff_port: int | None = None,
        api_token: str | None = None,
    ) -> None:
        self.directory = directory
        self.logs = directory / "logs"
        self.port = port or free_port()
        self.staff_port = staff_port or free_port()
        self.rasa_ports = [free_port() for _ in range(instances)]
        self.action_port, self.website_port, self.review_port = (free_port() for _ in range(3))
        self.api_token = api_token
        # Its own top-level directory: as root, PostgreSQL runs as `postgres`, who
        # may not be able to reach into `directory`.
        self.postgres = PostgresServer(
            Path(tempfile.mkdtemp(prefix="stack-postgres-")), password=secrets.token_hex(32)
        )
        # Imported here, not at the top: deploy/docker-compose.yml's nginx-error-pages
        # imports this module for write_error_pages from an image without review/.
        from review.database_roles import LOGIN_ROLES, RASA, RETENTION, REVIEW, role_url

        self.database_passwords = {role: secrets.token_hex(32) for role in LOGIN_ROLES}
        self.rasa_database_url, self.review_database_url, self.retention_database_url = (
            role_url(self.postgres.url, role, self.database_passwords[role])
            for role in (RASA, REVIEW, RETENTION)
        )
        self.redis = RedisServer(directory / "redis")
        self.rasa: list[subprocess.Popen[bytes] | None] = [None] * instances
        self._others: list[subprocess.Popen[bytes]] = []
        self.action_server_token = secrets.token_hex(32)
        # Signs the widget's conversation ids: the same for every Rasa instance.
        self.conversation_id_secret = secrets.token_hex(32)
        # The review app's key to the Rasa instances' takeover routes.
        self.takeover_token = secrets.token_hex(32)

    @property
    def url(self) -> str:
        """The visitors' side, through nginx."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def staff_url(self) -> str:
        """The staff review app, through nginx."""
        return f"http://127.0.0.1:{self.staff_port}"

    def rasa_url(self, instance: int) -> str:
        """One Rasa instance, directly (not through nginx)."""
        return f"http://127.0.0.1:{self.rasa_ports[instance]}"

    def environment(self) -> dict[str, str]:
        """What every process of the stack is configured with (database URLs: `_spawn`)."""
        origins = f"{self.url},http://localhost:{self.port}"
        inherited = {
            name: value for name, value in os.environ.items() if name not in DATABASE_VARIABLES
        }
        return {
            **inherited,
            "LOCK_STORE_TYPE": "storage.lock_store.AtomicRedisLockStore",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(self.redis.port),
            "REDIS_DB": "1",
            "REDIS_PASSWORD": "",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "ACTION_SERVER_TOKEN": self.action_server_token,
            "WIDGET_ORIGINS": origins,
            "BOT_URL": self.url,
            "WIDGET_PORT": str(self.website_port),
            "REVIEW_PORT": str(self.review_port),
            "REVIEW_SECRET_KEY": os.environ.get("REVIEW_SECRET_KEY", secrets.token_hex(32)),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }

    def _spawn(self, name: str, command: list[str], extra: dict[str, str] | None = None) -> Any:
        environment = {**self.environment(), **(extra or {})}
        return spawn(command, PROJECT_ROOT, environment, self.logs / f"{name}.log")

    # -- starting ----------------------------------------------------------------

    def start(self) -> None:
        """Starts everything, in dependency order, and waits until each answers."""
        self.postgres.initialise()
        self.postgres.start()
        from review.database_roles import provision  # (see __init__)

        provision(self.postgres.url, self.database_passwords)
        self.redis.start()
        actions = self._spawn(
            "actions",
            [str(VENV_BIN / "python"), "scripts/run_actions.py", "--actions", "actions",
             "--port", str(self.action_port)],
            {"SANIC_HOST": "127.0.0.1"},
        )  # fmt: skip
        self._others.append(actions)
        for instance in range(len(self.rasa_ports)):
            self.start_rasa(instance, wait=False)
        website = self._spawn("website", [str(VENV_BIN / "python"), "scripts/serve_widget.py"])
        review = self._spawn(
            "review",
            [str(VENV_BIN / "python"), "-m", "review.serve"],
            {
                "REVIEW_DATABASE_URL": self.review_database_url,
                "TAKEOVER_TOKEN": self.takeover_token,
                # Any instance will do: they share socket.io emits through Redis.
                "RASA_URL": self.rasa_url(0),
            },
        )
        self._others += [website, review]
        wait_for(f"http://127.0.0.1:{self.action_port}/health", actions, self.logs / "actions.log")
        wait_for(f"http://127.0.0.1:{self.website_port}/", website, self.logs / "website.log")
        wait_for(f"http://127.0.0.1:{self.review_port}/login", review, self.logs / "review.log")
        for instance in range(len(self.rasa_ports)):
            self.wait_for_rasa(instance)
        self._start_nginx()

    def start_rasa(self, instance: int, wait: bool = True) -> None:
        """Starts one Rasa instance on 127.0.0.1 (HTTP API only with the tests' token)."""
        api = ["--enable-api", "--auth-token", self.api_token] if self.api_token else []
        command = [
            str(VENV_BIN / "rasa"), "run", "--model", "models",
            "--interface", "127.0.0.1", "--port", str(self.rasa_ports[instance]),
            "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
            *api,
        ]  # fmt: skip
        self.rasa[instance] = self._spawn(
            f"rasa-{instance + 1}",
            command,
            {
                "CONVERSATIONS_DB_URL": self.rasa_database_url,
                "CONVERSATION_ID_SECRET": self.conversation_id_secret,
                "TAKEOVER_TOKEN": self.takeover_token,
                "SOCKET_MESSAGE_QUEUE": f"redis://127.0.0.1:{self.redis.port}/2",
            },
        )
        if wait:
            self.wait_for_rasa(instance)

    def wait_for_rasa(self, instance: int) -> None:
        """Waits until the instance's chat channel is up."""
        process = self.rasa[instance]
        assert process is not None
        log = self.logs / f"rasa-{instance + 1}.log"
        wait_for(f"{self.rasa_url(instance)}/webhooks/rest/", process, log)

    def _start_nginx(self) -> None:
        nginx_directory = self.directory / "nginx"
        nginx_directory.mkdir(parents=True, exist_ok=True)
        widget = nginx_directory / "widget"
        (widget / "vendor").mkdir(parents=True, exist_ok=True)
        for name in ("chat-widget.js", "chat-widget.css"):
            shutil.copy(PROJECT_ROOT / "widget" / name, widget / name)
        shutil.copy(
            PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js",
            widget / "vendor" / "socket.io.min.js",
        )
        write_error_pages(nginx_directory / "errors")
        servers = " ".join(f"server 127.0.0.1:{port};" for port in self.rasa_ports)
        site = render_template(
            NGINX_TEMPLATE.read_text(encoding="utf-8"),
            {
                "LISTEN_PORT": f"127.0.0.1:{self.port}",
                "STAFF_LISTEN_PORT": f"127.0.0.1:{self.staff_port}",
                "RASA_SERVERS": servers,
                "WEBSITE_UPSTREAM": f"127.0.0.1:{self.website_port}",
                "REVIEW_UPSTREAM": f"127.0.0.1:{self.review_port}",
                "WIDGET_ROOT": str(widget),
                "ERROR_PAGES_ROOT": str(nginx_directory / "errors"),
            },
        )
        site_config = nginx_directory / "chat.conf"
        site_config.write_text(site, encoding="utf-8")
        main_config = nginx_directory / "nginx.conf"
        main_config.write_text(nginx_main_config(nginx_directory, site_config), encoding="utf-8")
        nginx = self._spawn(
            "nginx",
            [nginx_executable(), "-c", str(main_config), "-p", str(nginx_directory),
             "-g", "daemon off;"],
        )  # fmt: skip
        self._others.append(nginx)
        wait_for(f"{self.url}/", nginx, self.logs / "nginx.log")

    # -- breaking and stopping -----------------------------------------------------

    def kill_rasa(self, instance: int) -> None:
        """Kills one Rasa instance at once (SIGKILL), as a crashed machine would."""
        process = self.rasa[instance]
        if process is not None:
            stop_group(process, signal.SIGKILL)
            self.rasa[instance] = None

    def rasa_pid(self, instance: int) -> int:
        """The instance's process id (for memory measurements)."""
        process = self.rasa[instance]
        assert process is not None
        return process.pid

    def stop(self) -> None:
        """Stops every process, then Redis and PostgreSQL."""
        for process in [*self._others, *(p for p in self.rasa if p is not None)]:
            stop_group(process)
        self.redis.stop()
        try:
            self.postgres.stop("immediate")
        except ServiceError:
            pass  # already stopped
        shutil.rmtree(self.postgres.directory, ignore_errors=True)


def nginx_executable() -> str:
    """Debian's nginx."""
    executable = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(executable).exists():
        raise ServiceError("nginx is not installed: apt-get install nginx.")
    return executable


@contextmanager
def running_stack(directory: Path | None = None, **options: Any) -> Iterator[Stack]:
    """A started stack in `directory` (a new temporary one by default), stopped afterwards."""
    own_directory = directory is None
    directory = directory or Path(tempfile.mkdtemp(prefix="clonazepam-stack-"))
    stack = Stack(directory, **options)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        if own_directory:
            shutil.rmtree(directory, ignore_errors=True)
