from contextlib import contextmanager

from django.db import connection as db_connection
from django.db import transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.text import smart_split
from rest_framework.filters import search_smart_split

from config.api import error_body


def _has_non_ascii_digit(text):
    return not text.isascii() and any(c.isdigit() and not c.isascii() for c in text)


class ApiNotFoundMiddleware:
    """Unknown URLs under /api/ answer in the API's JSON error shape even with DEBUG on,
    where Django would show its HTML debug page (handler404 covers DEBUG off).

    A path with a non-ASCII digit ("²", "٣") is unknown too: the URL patterns' \\d
    matches it, but no id is written that way (and int() refuses it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and _has_non_ascii_digit(request.path):
            return JsonResponse(error_body(404, "not_found", "Not found."), status=404)
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return JsonResponse(error_body(404, "not_found", "Not found."), status=404)
        return response


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@contextmanager
def _deferred_transactions(connection):
    """On SQLite, transactions opened meanwhile begin DEFERRED: a read inside
    `transaction.atomic()` (the admin's change form) takes no write lock; a write in
    it takes the lock at its first write."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.fieldos_reading = True
    if connection.connection is not None:
        connection.transaction_mode = None
    try:
        yield
    finally:
        connection.fieldos_reading = False
        if connection.connection is not None:
            configured = connection.settings_dict.get("OPTIONS", {}).get("transaction_mode")
            connection.transaction_mode = configured.upper() if configured else None


@receiver(connection_created)
def _opened_while_reading(sender, connection, **kwargs):
    # Opening a connection sets the mode from the settings again.
    if getattr(connection, "fieldos_reading", False):
        connection.transaction_mode = None


def own_transactions(view):
    """Mark a view (function, method or class) that commits in steps of its own — an
    import writes in chunks so it does not hold SQLite's write lock throughout
    (playbook/interchange/journal.py): AtomicWritesMiddleware leaves it alone."""
    view.own_transactions = True
    return view


def _own_transactions(view_func):
    return getattr(view_func, "own_transactions", False) or getattr(
        getattr(view_func, "cls", None), "own_transactions", False
    )


class AtomicWritesMiddleware:
    """A request that may write (POST, PUT, PATCH, DELETE) runs its view in one
    transaction, rolled back when the view fails or answers an API error — what
    ATOMIC_REQUESTS does. Reads run in autocommit: on SQLite a transaction around a
    GET would begin IMMEDIATE and hold the database's one write lock for the whole
    request, so one slow page would stall every other writer (the worker included).

    It must be the last middleware: it calls the view from process_view, so the
    process_view of every middleware before it (CSRF) has run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READ_METHODS:
            with _deferred_transactions(db_connection):
                return self.get_response(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in READ_METHODS or _own_transactions(view_func):
            return None
        with transaction.atomic():
            response = view_func(request, *view_args, **view_kwargs)
            if response is None:
                raise ValueError(f"The view {view_func.__qualname__} returned None.")
            # DRF turns exceptions into error responses and, with ATOMIC_REQUESTS,
            # marks the transaction for rollback; do the same.
            if getattr(response, "exception", False):
                transaction.set_rollback(True)
        return response


MAX_SEARCH_TERMS = 20


class SearchTermsMiddleware:
    """At most MAX_SEARCH_TERMS words in a search: the API's ?search= and the admin's
    ?q= become one condition per word per field, and on SQLite a thousand words make a
    query too large to run ("Expression tree is too large"). More is a 400 that says
    so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            terms = self._count(request.GET.getlist("search"), search_smart_split)
            if terms > MAX_SEARCH_TERMS:
                message = self._message(terms)
                body = error_body(400, "invalid", f"search: {message}", {"search": [message]})
                return JsonResponse(body, status=400)
        elif request.path.startswith("/admin/"):
            terms = self._count(request.GET.getlist("q"), smart_split)
            if terms > MAX_SEARCH_TERMS:
                return HttpResponseBadRequest(
                    self._message(terms), content_type="text/plain; charset=utf-8"
                )
        return self.get_response(request)

    @staticmethod
    def _count(values, split):
        return sum(len(list(split(value))) for value in values)

    @staticmethod
    def _message(terms):
        return f"Search for at most {MAX_SEARCH_TERMS} words at once; this has {terms}."
