#!/usr/bin/env python
"""Django's command-line utility. The packages under site/ and plugins/ are importable because
the project is installed with `pip install -e .` (what `make run` and `make test` do)."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npshub.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
