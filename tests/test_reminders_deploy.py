"""The reminders' systemd units (deploy/gpo-relances.service, .timer): `systemd-analyze verify` has nothing to say, the
service's exposure stays « OK », it reads the same settings file as the others, and its command line, run as systemd
runs it in a fresh interpreter, talks to a real SMTP server and answers with the exit codes cron and systemd read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from smtp_server import Recorder, smtp_server
from test_deploy_config import _systemd_analyze, _systemd_command_line, env_example

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ("gpo-relances.service", "gpo-relances.timer")


def _units_here(tmp_path: Path) -> Path:
    for unit in UNITS:
        text = (DEPLOY / unit).read_text(encoding="utf-8").replace("/opt/gpo/.venv/bin/python", sys.executable)
        (tmp_path / unit).write_text(text, encoding="utf-8")
    return tmp_path


def test_systemd_finds_nothing_to_say_about_the_reminder_units(tmp_path):
    analyze = _systemd_analyze()
    units = _units_here(tmp_path)
    for unit in UNITS:
        done = subprocess.run([analyze, "verify", "--man=no", str(units / unit)], capture_output=True, text=True,
                              cwd=units, timeout=60)
        assert (done.returncode, done.stdout + done.stderr) == (0, ""), f"{unit} : {done.stderr}"


def test_the_reminder_services_exposure_stays_ok(tmp_path):
    analyze = _systemd_analyze()
    units = _units_here(tmp_path)
    done = subprocess.run([analyze, "security", "--offline=yes", "--no-pager", str(units / "gpo-relances.service")],
                          capture_output=True, text=True, timeout=60)
    level = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", done.stdout)
    assert level, done.stdout[-2000:] + done.stderr
    assert float(level.group(1)) <= 2.0, done.stdout


def test_the_unit_reads_the_shared_settings_and_the_example_documents_every_mail_setting():
    service = (DEPLOY / "gpo-relances.service").read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/gpo/gpo.env\n" in service and "User=gpo\n" in service
    assert "ReadWritePaths=/var/lib/gpo\n" in service  # the SQLite store's folder: the run records what it sends
    example = (DEPLOY / "gpo.env.example").read_text(encoding="utf-8")
    for name in ("GPO_SMTP_HOST", "GPO_SMTP_PORT", "GPO_SMTP_STARTTLS", "GPO_SMTP_USER", "GPO_SMTP_PASSWORD",
                 "GPO_SMTP_FROM", "GPO_ADRESSE_PUBLIQUE", "GPO_RELANCES_JOURS"):
        assert f"\n#{name}=" in example, name
    assert not any(name.startswith("GPO_SMTP") for name in env_example())  # commented out: no server is assumed
    timer = (DEPLOY / "gpo-relances.timer").read_text(encoding="utf-8")
    assert "OnCalendar=Mon..Fri *-*-* 07:30:00\n" in timer and "Persistent=true\n" in timer


def test_the_units_command_runs_as_systemd_runs_it(tmp_path, request):
    from conftest import copy_sqlite

    store = tmp_path / "gpo.sqlite"
    copy_sqlite(request.getfixturevalue("demo_store_template"), store)
    unit = (DEPLOY / "gpo-relances.service").read_text(encoding="utf-8").replace("/opt/gpo/.venv/bin/python",
                                                                                   sys.executable)
    command = _systemd_command_line(unit, "ExecStart")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GPO_")}, "GPO_DATABASE_URL": f"sqlite:///{store}",
           "HOME": str(tmp_path)}
    missing = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert missing.returncode == 1 and missing.stderr.startswith("Erreur : GPO_SMTP_HOST n'est pas réglé")
    recorder = Recorder()
    with smtp_server(recorder) as port:
        env.update(GPO_SMTP_HOST="127.0.0.1", GPO_SMTP_PORT=str(port), GPO_SMTP_STARTTLS="non",
                   GPO_SMTP_FROM="gpo@example.fr")
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Relances au ") and "Total : " in done.stdout
