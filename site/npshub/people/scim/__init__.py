"""SCIM 2.0 provisioning (RFC 7643/7644) at /scim/v2/ on django-scim2: the directory's client
(Entra ID, Okta, ...) creates joiners, updates movers and deactivates leavers (``active: false``
or DELETE: the account is switched off, never deleted), and keeps its groups, which give roles
through DIRECTORY_ROLE_MAPPING. Bearer tokens from `python manage.py create_scim_token NAME`,
stored hashed (people.ProvisioningToken).

- ``auth``: the bearer-token check (django-scim2's AUTH_CHECK_MIDDLEWARE).
- ``filters``: SCIM filters (``userName eq "..."``) to SQL over our tables.
- ``adapters``: SCIM User/Group <-> Django user + Profile / DirectoryGroup, PATCH included.
- ``urls``: django-scim2's routes, outside the employees' login wall.
"""
