"""What every Convenor service needs the same way: settings, database sessions, problem
responses, token verification, pagination, concurrency control, idempotency, the change feed,
health and logging. No business logic lives here.

Modules (import them directly; nothing is re-exported):

* :mod:`~convenor_shared.settings`: the settings base class and production checks
* :mod:`~convenor_shared.db`: engines, UTC timestamps, time-ordered ids, JSON type
* :mod:`~convenor_shared.migrations`: Alembic helpers
* :mod:`~convenor_shared.transactions`: commit with before-commit hooks; the write lock
* :mod:`~convenor_shared.routing`: one transaction per request, committed before the response
* :mod:`~convenor_shared.problems`: RFC 9457 errors
* :mod:`~convenor_shared.auth`, :mod:`~convenor_shared.jwks`: bearer-token verification
* :mod:`~convenor_shared.pagination`, :mod:`~convenor_shared.concurrency`
* :mod:`~convenor_shared.idempotency`, :mod:`~convenor_shared.outbox`
* :mod:`~convenor_shared.limits`, :mod:`~convenor_shared.observability`,
  :mod:`~convenor_shared.health`
* :mod:`~convenor_shared.app`: the app factory
"""

__version__ = "0.1.0"
