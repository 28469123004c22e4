"""Key rotation: several keys configured (newest first), and `rotate_encryption_key`, which
re-encrypts every stored file and database secret under the newest, resumably."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt
from auditlog.models import LogEntry
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from projects import files
from safety import rotation, storage
from safety.encryption import (
    DecryptionError,
    derive_key,
    encrypt_to_path,
    key_index,
    open_decrypted,
    reencrypt,
)
from safety.models import KeyRotation, ProjectSecret
from tests.dataset_helpers import data_source, stored_dataset
from tests.factories import give_totp
from tests.test_services import BASE_DIR

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _read(path, keys) -> bytes:
    with open_decrypted(path, keys) as reader:
        return reader.read()


# --- The file format with several keys ---------------------------------------------------------


def test_a_file_under_an_older_key_is_read_and_moved_to_the_newest(tmp_path) -> None:
    old, new = derive_key(OLD), derive_key(NEW)
    path = tmp_path / "stored"
    data = b"visits\n" * 300_000  # two chunks
    encrypt_to_path(io.BytesIO(data), path, old)

    assert key_index(path, [new, old]) == 1
    assert _read(path, [new, old]) == data
    with pytest.raises(DecryptionError):
        _read(path, [new])

    assert reencrypt(path, [new, old])
    assert key_index(path, [new, old]) == 0
    assert _read(path, [new]) == data
    assert not reencrypt(path, [new, old])  # already under the newest: left alone
    assert [p.name for p in tmp_path.iterdir()] == ["stored"]  # no temporary file left


def test_a_rotation_stopped_mid_file_leaves_the_file_whole(tmp_path, monkeypatch) -> None:
    from safety import encryption  # noqa: PLC0415

    old, new = derive_key(OLD), derive_key(NEW)
    path = tmp_path / "stored"
    data = b"visits\n" * 300_000
    encrypt_to_path(io.BytesIO(data), path, old)
    original = encryption.encrypt_to_path

    def dies_half_way(source, destination, key):
        source.read(1024 * 1024)  # part of the file read and written, then the power goes
        raise KeyboardInterrupt

    monkeypatch.setattr(encryption, "encrypt_to_path", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        reencrypt(path, [new, old])
    monkeypatch.setattr(encryption, "encrypt_to_path", original)

    assert _read(path, [new, old]) == data and key_index(path, [new, old]) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["stored"]
    assert reencrypt(path, [new, old]) and _read(path, [new]) == data


def test_a_file_under_no_configured_key_is_refused(tmp_path) -> None:
    path = tmp_path / "stored"
    encrypt_to_path(io.BytesIO(b"secret"), path, derive_key(OLD))

    with pytest.raises(DecryptionError):
        reencrypt(path, [derive_key(NEW)])
    assert _read(path, [derive_key(OLD)]) == b"secret"  # untouched


# --- The command -------------------------------------------------------------------------------


@pytest.fixture
def stored_under_old_key(settings, request, tmp_path):
    """A dataset with its redacted copy, a sketch, a pseudonym key and second-factor secrets,
    all encrypted under OLD; then the deployment lists NEW first."""
    settings.DATA_ENCRYPTION_KEYS = [OLD]
    settings.DATA_ENCRYPTION_KEY = OLD
    team_member = request.getfixturevalue("team_member")  # its second factor under OLD too
    source = data_source(request.getfixturevalue("programme_a"), owner=team_member.organisation)
    dataset = stored_dataset(source, tmp_path, uploader=team_member)
    sketch = files.store(b"\x89PNG not really")
    pseudonym_key = ProjectSecret.key_for(source.idea)
    if not Authenticator.objects.filter(user=team_member, type="totp").exists():
        give_totp(team_member)
    totp = Authenticator.objects.get(user=team_member, type=Authenticator.Type.TOTP)
    codes = RecoveryCodes.activate(team_member).generate_codes()
    raw = (tmp_path / "upload.csv").read_bytes()
    settings.DATA_ENCRYPTION_KEYS = [NEW, OLD]
    settings.DATA_ENCRYPTION_KEY = NEW
    return {
        "dataset": dataset,
        "raw": raw,
        "sketch": sketch,
        "pseudonym_key": pseudonym_key,
        "codes": codes,
        "totp": decrypt(totp.data["secret"]),
        "user": team_member,
    }


def _everything_reads_under_the_new_key_alone(settings, stored) -> None:
    settings.DATA_ENCRYPTION_KEYS = [NEW]
    settings.DATA_ENCRYPTION_KEY = NEW
    dataset = stored["dataset"]
    with storage.plaintext_copy(dataset.stored_name) as path, open(path, "rb") as fh:
        assert fh.read() == stored["raw"]
    copy = dataset.redacted_copies.get()
    with storage.plaintext_copy(copy.stored_name) as path:
        from safety.services import _sha256  # noqa: PLC0415

        assert _sha256(path) == copy.sha256
    assert files.read(stored["sketch"]) == b"\x89PNG not really"
    assert ProjectSecret.key_for(dataset.data_source.idea) == stored["pseudonym_key"]
    totp = Authenticator.objects.get(user=stored["user"], type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == stored["totp"]
    codes = Authenticator.objects.get(user=stored["user"], type=Authenticator.Type.RECOVERY_CODES)
    assert RecoveryCodes(codes).generate_codes() == stored["codes"]


@pytest.mark.django_db
def test_rotating_re_encrypts_every_file_and_secret_and_logs_the_run(
    settings, stored_under_old_key, capsys
) -> None:
    call_command("rotate_encryption_key")

    out = capsys.readouterr().out
    assert "Files: 3 re-encrypted, 0 already under the newest key, 0 unreadable" in out
    assert "Secrets: 3 re-encrypted" in out
    run = KeyRotation.objects.get()
    assert run.finished_at is not None
    assert (run.files_rotated, run.secrets_rotated) == (3, 3)
    assert run.key_fingerprint == rotation.key_fingerprint(NEW)
    assert NEW not in str(run.key_fingerprint) and len(run.key_fingerprint) == 16
    assert LogEntry.objects.get_for_object(run).exists()
    _everything_reads_under_the_new_key_alone(settings, stored_under_old_key)


@pytest.mark.django_db
def test_an_interrupted_rotation_resumes_where_it_stopped(
    settings, stored_under_old_key, monkeypatch
) -> None:
    calls = []
    original = rotation.reencrypt

    def interrupted(path, keys):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or the machine going down
        return original(path, keys)

    monkeypatch.setattr(rotation, "reencrypt", interrupted)
    with pytest.raises(KeyboardInterrupt):
        call_command("rotate_encryption_key")
    monkeypatch.setattr(rotation, "reencrypt", original)
    first = KeyRotation.objects.get()
    assert first.finished_at is None  # the log shows the run did not finish

    call_command("rotate_encryption_key")

    second = KeyRotation.objects.exclude(pk=first.pk).get()
    assert (second.files_rotated, second.files_current) == (2, 1)
    assert second.secrets_rotated == 3
    _everything_reads_under_the_new_key_alone(settings, stored_under_old_key)


@pytest.mark.django_db
def test_a_file_under_a_key_no_longer_listed_fails_the_command(
    settings, stored_under_old_key
) -> None:
    settings.DATA_ENCRYPTION_KEYS = [NEW]
    settings.DATA_ENCRYPTION_KEY = NEW

    with pytest.raises(CommandError, match="keep every old key listed"):
        call_command("rotate_encryption_key")

    run = KeyRotation.objects.get()
    assert (run.files_unreadable, run.secrets_unreadable) == (3, 3)
    # Nothing was lost: with the old key listed again, everything still opens.
    settings.DATA_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_encryption_key")
    _everything_reads_under_the_new_key_alone(settings, stored_under_old_key)


def test_the_settings_take_a_list_of_keys_and_refuse_a_bad_one() -> None:
    def check(**env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "from django.conf import settings; import django; "
                "django.setup(); print(settings.DATA_ENCRYPTION_KEY)",
            ],
            cwd=BASE_DIR,
            env={
                "PATH": "/usr/bin:/bin",
                "DJANGO_SETTINGS_MODULE": "cip.settings",
                "DEBUG": "true",
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert check(DATA_ENCRYPTION_KEYS=f"{NEW},{OLD}").stdout.strip() == NEW
    assert check(DATA_ENCRYPTION_KEY=OLD).stdout.strip() == OLD
    refused = check(DATA_ENCRYPTION_KEYS=f"{NEW},not-a-key")
    assert refused.returncode != 0
    assert "each of DATA_ENCRYPTION_KEYS" in refused.stderr
    mismatched = check(DATA_ENCRYPTION_KEYS=NEW, DATA_ENCRYPTION_KEY=OLD)
    assert "DATA_ENCRYPTION_KEY is not in DATA_ENCRYPTION_KEYS" in mismatched.stderr
    assert check(DATA_ENCRYPTION_KEYS=f"{NEW},{OLD}", DATA_ENCRYPTION_KEY=OLD).returncode == 0
