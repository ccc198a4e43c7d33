"""The demo company: a consumer-goods brand with stores in five regions, HQ departments and
40+ employees, plus one login for each role."""

import random
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from npshub.people import roles
from npshub.people.models import Department, Region, Store, Team

DEMO_PASSWORD = "demo1234"

REGIONS = [("Moscow", "moscow"), ("Saint Petersburg", "st-petersburg"), ("Kazan", "kazan"),
           ("Novosibirsk", "novosibirsk"), ("Yekaterinburg", "yekaterinburg")]

DEPARTMENTS = [  # (name, slug, parent slug)
    ("Company", "company", None),
    ("Customer Experience", "cx", "company"),
    ("Retail", "retail", "company"),
    ("E-commerce", "ecommerce", "company"),
    ("Customer Service", "customer-service", "cx"),
    ("Product", "product", "company"),
    ("Logistics", "logistics", "company"),
    ("Marketing", "marketing", "company"),
]

TEAMS = [  # (name, slug, department slug, store slug)
    ("Moscow Tverskaya store", "store-moscow-tverskaya", "retail", "moscow-tverskaya"),
    ("Moscow Aviapark store", "store-moscow-aviapark", "retail", "moscow-aviapark"),
    ("St Petersburg Nevsky store", "store-spb-nevsky", "retail", "spb-nevsky"),
    ("Kazan Koltso store", "store-kazan-koltso", "retail", "kazan-koltso"),
    ("Novosibirsk Aura store", "store-nsk-aura", "retail", "nsk-aura"),
    ("Yekaterinburg Greenwich store", "store-ekb-greenwich", "retail", "ekb-greenwich"),
    ("Web shop", "webshop", "ecommerce", None),
    ("Marketplaces", "marketplaces", "ecommerce", None),
    ("Contact centre", "contact-centre", "customer-service", None),
    ("Delivery", "delivery", "logistics", None),
    ("Product quality", "product-quality", "product", None),
    ("Brand", "brand", "marketing", None),
]

STORES = [  # (name, slug, region slug, city)
    ("Tverskaya", "moscow-tverskaya", "moscow", "Moscow"),
    ("Aviapark", "moscow-aviapark", "moscow", "Moscow"),
    ("Nevsky", "spb-nevsky", "st-petersburg", "Saint Petersburg"),
    ("Koltso", "kazan-koltso", "kazan", "Kazan"),
    ("Aura", "nsk-aura", "novosibirsk", "Novosibirsk"),
    ("Greenwich", "ekb-greenwich", "yekaterinburg", "Yekaterinburg"),
]

# One login per role, printed by load_demo: (username, first, last, roles, team slug, title, language)
ROLE_LOGINS = [
    ("employee", "Emma", "Stone", [roles.EMPLOYEE], "store-moscow-tverskaya", "Sales associate", "en"),
    ("caller", "Ivan", "Petrov", [roles.EMPLOYEE, roles.CALLER], "contact-centre", "Customer care specialist", "ru"),
    ("manager", "Maria", "Ivanova", [roles.EMPLOYEE, roles.TEAM_MANAGER, roles.CALLER], "store-moscow-tverskaya", "Store manager", "en"),
    ("editor", "Oliver", "Brown", [roles.EMPLOYEE, roles.EDITOR], "brand", "Internal communications editor", "en"),
    ("cxadmin", "Sofia", "Kuznetsova", [roles.EMPLOYEE, roles.CX_ADMIN, roles.CALLER], "contact-centre", "Head of CX", "en"),
]

FIRST_NAMES = ["Alexei", "Anna", "Dmitry", "Elena", "Sergei", "Olga", "Nikolai", "Tatiana", "Pavel",
               "Irina", "James", "Sarah", "Michael", "Laura", "Andrei", "Natalia", "Mikhail", "Yulia",
               "Daniel", "Sophie", "Artem", "Ksenia", "Roman", "Victoria"]
LAST_NAMES = ["Smirnov", "Volkova", "Sokolov", "Popova", "Lebedev", "Kozlova", "Novikov", "Morozova",
              "Walker", "Hughes", "Fedorov", "Orlova", "Baker", "Reed", "Vasiliev", "Pavlova"]
TITLES = ["Sales associate", "Senior sales associate", "Customer care specialist", "Product manager",
          "Logistics coordinator", "Marketing specialist", "Store manager", "Data analyst"]


def load_company(stdout):
    for name, slug in REGIONS:
        Region.objects.get_or_create(slug=slug, defaults={"name": name})
    for name, slug, region, city in STORES:
        Store.objects.get_or_create(slug=slug, defaults={"name": name, "region": Region.objects.get(slug=region), "city": city})
    for name, slug, parent in DEPARTMENTS:
        Department.objects.get_or_create(
            slug=slug, defaults={"name": name, "parent": Department.objects.filter(slug=parent).first()}
        )
    for name, slug, department, store in TEAMS:
        Team.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "department": Department.objects.get(slug=department),
                      "store": Store.objects.filter(slug=store).first()},
        )

    User = get_user_model()
    created = 0
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD, first_name="Ada", last_name="Admin")
        created += 1
    for username, first, last, role_names, team_slug, title, language in ROLE_LOGINS:
        created += _employee(username, first, last, role_names, team_slug, title, language)

    rng = random.Random(7)
    teams = list(Team.objects.all())
    for index in range(42):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        team = teams[index % len(teams)]
        role_names = [roles.EMPLOYEE] + ([roles.CALLER] if index % 4 == 0 else [])
        # Most colleagues read Russian, as in the company.
        created += _employee(f"{first}.{last}.{index}".lower(), first, last, role_names, team.slug,
                             rng.choice(TITLES), "en" if index % 3 == 0 else "ru")
    stdout.write(f"company: {Team.objects.count()} teams, {User.objects.count()} people ({created} new)")


@cache
def _demo_password_hash():
    return make_password(DEMO_PASSWORD)


def _employee(username, first, last, role_names, team_slug, title, language):
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return 0
    user = User.objects.create_user(username, f"{username}@example.com", first_name=first, last_name=last)
    user.password = _demo_password_hash()  # hashing once, not 48 times, keeps load_demo quick
    user.save(update_fields=["password"])
    team = Team.objects.get(slug=team_slug)
    profile = user.profile
    profile.team, profile.department, profile.store = team, team.department, team.store
    profile.job_title, profile.language = title, language
    profile.save()
    roles.grant(user, *role_names)
    if roles.TEAM_MANAGER in role_names and team.manager_id is None:
        team.manager = user
        team.save(update_fields=["manager"])
    return 1
