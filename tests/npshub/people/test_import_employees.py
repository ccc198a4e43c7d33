import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from npshub.people import roles
from npshub.people.models import Department, Team
from tests import factories as f
from tests.intranet.feed import feed_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

GOOD_AND_BAD = (
    "email,first_name,last_name,department,team,job_title,language,roles\n"
    "ana@corp.example,Ana,Lima,Retail,store-one,Store manager,en,\"employee,team_manager\"\n"
    "not-an-email,Bob,B,Retail,,,,employee\n"
    ",No,Email,Retail,,,,\n"
    "ivan@corp.example,Иван,Петров,Retail,store-one,Продавец,ru,caller\n"
    "zoe@corp.example,Zoe,Z,Retail,,,fr,\n"
    "max@corp.example,Max,M,Retail,,,en,wizard\n"
    "kim@corp.example,Kim,K,Nowhere,,,en,\n"
)


@pytest.fixture
def org():
    f.team("store-one", f.department("Retail", "retail"), "Store one")


def run(tmp_path, text, *args, encoding="utf-8"):
    path = tmp_path / "people.csv"
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    out = io.StringIO()
    call_command("import_employees", str(path), *args, stdout=out)
    return out.getvalue()


def test_good_rows_go_in_and_bad_rows_are_reported_by_line(tmp_path, org):
    output = run(tmp_path, GOOD_AND_BAD)
    assert "created: 2, updated: 0, rejected: 5" in output
    assert "line 3: 'not-an-email' is not a valid e-mail address" in output
    assert "line 4: email is required" in output
    assert "line 6: language 'fr'" in output
    assert "line 7: unknown role(s) wizard" in output
    assert "line 8: unknown department 'Nowhere'" in output
    ivan = get_user_model().objects.get(email="ivan@corp.example")
    assert ivan.first_name == "Иван" and ivan.profile.language == "ru"
    assert ivan.profile.team.slug == "store-one" and roles.user_roles(ivan) == {"caller"}
    ana = get_user_model().objects.get(email="ana@corp.example")
    assert roles.user_roles(ana) == {"employee", "team_manager"}
    assert not ana.has_usable_password()


def test_reimport_updates_instead_of_duplicating(tmp_path, org):
    run(tmp_path, GOOD_AND_BAD)
    output = run(tmp_path, GOOD_AND_BAD.replace("Store manager", "Area manager"))
    assert "created: 0, updated: 2" in output
    assert get_user_model().objects.count() == 2
    assert get_user_model().objects.get(email="ana@corp.example").profile.job_title == "Area manager"


def test_create_missing_and_dry_run(tmp_path, org):
    text = "email,department,team\nnew@corp.example,Logistics,Night shift\n"
    assert "[dry run] created: 1" in run(tmp_path, text, "--create-missing", "--dry-run")
    assert not Department.objects.filter(name="Logistics").exists()
    run(tmp_path, text, "--create-missing")
    assert Team.objects.get(slug="night-shift").department.name == "Logistics"


def test_invalid_utf8_row_is_rejected_alone(tmp_path, org):
    data = "email,first_name\nok@corp.example,Ok\n".encode() + b"bad@corp.example,\xff\xfe\n"
    output = run(tmp_path, data)
    assert "created: 1" in output and "line 3: not valid UTF-8 text" in output


def test_unreadable_file_fails_the_command(tmp_path):
    with pytest.raises(CommandError, match="cannot open"):
        call_command("import_employees", str(tmp_path / "missing.csv"))
    (tmp_path / "x.csv").write_text("name\nA\n")
    with pytest.raises(CommandError, match="missing required column"):
        call_command("import_employees", str(tmp_path / "x.csv"))


STAFF = (
    "email,first_name,department,roles\n"
    "ana@corp.example,Ana,Retail,employee\n"
    "ivan@corp.example,Ivan,Retail,caller\n"
)


def test_deactivate_missing_turns_leavers_off_and_keeps_them(tmp_path, org, settings,
                                                            django_capture_on_commit_callbacks):
    run(tmp_path, STAFF)
    leaver = f.user("caller", email="gone@corp.example")
    admin = f.superuser()
    no_email = f.user("employee", email="")
    rescue = f.user("employee", username="rescue")
    settings.LOCAL_LOGIN_USERS = ["rescue"]
    assert "[dry run] created: 0, updated: 2, rejected: 0, deactivated: 1" in run(
        tmp_path, STAFF, "--deactivate-missing", "--dry-run")
    assert get_user_model().objects.get(pk=leaver.pk).is_active
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        output = run(tmp_path, STAFF.replace("Ivan", "Ivan P"), "--deactivate-missing")
    assert "created: 0, updated: 2, rejected: 0, deactivated: 1" in output
    assert len(callbacks) == 1  # one employee_deactivated event
    User = get_user_model()
    assert not User.objects.get(pk=leaver.pk).is_active
    assert all(User.objects.get(pk=p.pk).is_active for p in (admin, no_email, rescue))
    assert User.objects.filter(pk=leaver.pk).exists()  # never deleted


def test_a_row_rejected_for_a_typo_is_not_a_leaver(tmp_path, org):
    run(tmp_path, STAFF)
    output = run(tmp_path, STAFF.replace("caller", "wizard"), "--deactivate-missing")
    assert "line 3: unknown role(s) wizard" in output and "deactivated: 0" in output
    assert get_user_model().objects.get(email="ivan@corp.example").is_active


def test_a_file_listing_nobody_deactivates_nobody(tmp_path, org):
    run(tmp_path, STAFF)
    with pytest.raises(CommandError, match="refusing to deactivate every employee"):
        run(tmp_path, "email,first_name\n", "--deactivate-missing")
    assert get_user_model().objects.filter(is_active=True).count() == 2


def test_staff_list_read_from_a_url_with_an_auth_header_from_the_environment(tmp_path, org, feed_server, monkeypatch):
    feed_server.put_file("staff.csv", STAFF.encode())
    feed_server.set_state(require_auth="Bearer hr-secret")
    monkeypatch.setenv("HR_EXPORT_AUTH", "Bearer hr-secret")
    out = io.StringIO()
    call_command("import_employees", f"{feed_server.url}/files/staff.csv", "--auth-env", "HR_EXPORT_AUTH", stdout=out)
    assert "created: 2, updated: 0, rejected: 0" in out.getvalue()
    assert feed_server.requests("/files/staff.csv")[-1]["authorization"] == "Bearer hr-secret"
    with pytest.raises(CommandError, match="HTTP 401"):
        call_command("import_employees", f"{feed_server.url}/files/staff.csv", stdout=io.StringIO())
    with pytest.raises(CommandError, match="MISSING_VAR"):
        call_command("import_employees", f"{feed_server.url}/files/staff.csv", "--auth-env", "MISSING_VAR",
                     stdout=io.StringIO())
