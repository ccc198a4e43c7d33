from rest_framework.pagination import PageNumberPagination

from npshub.paging import LargeCountPaginator


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class LargeCountPagination(Pagination):
    """Pagination for lists that can run into hundreds of thousands (see ``npshub.paging``)."""

    django_paginator_class = LargeCountPaginator
