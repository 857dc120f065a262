"""Error pages in French that never show a stack trace."""

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, SecurityError

from portal.core.db import db
from portal.core.permissions import record_refusal

logger = logging.getLogger(__name__)

ERROR_TITLES = {
    400: "Requête incorrecte",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    413: "Envoi trop volumineux",
    429: "Trop de tentatives",
    500: "Erreur interne",
    503: "Service indisponible",
}


def render_error(status: int, message: str | None = None):
    title = ERROR_TITLES.get(status, "Erreur")
    return render_template("errors/error.html", status=status, title=title, message=message), status


class NulInAddress(BadRequest):
    """A NUL character in the query string (its French message is shown on the error page)."""

    description = ("L'adresse de la page contient un caractère nul, qu'aucune page de Passerelle n'attend. "
                   "Vérifiez le lien ou recopiez-le.")


def refuse_nul_in_query_string() -> None:
    """A NUL character has no meaning in any filter or parameter of the portal, and PostgreSQL refuses
    it in any text (SQLite would store it): stopped here, once, rather than in every view that reads
    ``request.args``. Form fields get their own French message next to the field (portal.core.forms)."""
    if any("\x00" in value for values in request.args.listvalues() for value in values):
        raise NulInAddress()


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400 or isinstance(error, SecurityError):
        # A SecurityError is a Host header outside TRUSTED_HOSTS: no URL can be built for such a
        # request, so it gets werkzeug's bare page rather than ours.
        return error
    if error.code == 403:
        # Every 403 is a refused permission worth keeping; 404s are audited by the views that know a
        # protected object was asked for (portal.core.permissions.refuse), not for every stray URL.
        record_refusal(403)
    return render_error(error.code, error.description if isinstance(error, NulInAddress) else None)


def handle_csrf_error(error: CSRFError):
    return render_error(400, "Le formulaire a expiré ou ne vient pas de Passerelle. "
                             "Rechargez la page et recommencez.")


def handle_unexpected_error(error: Exception):
    logger.exception("Unhandled error", exc_info=getattr(error, "original_exception", error))
    db.session.rollback()
    return render_error(500)


def register_error_handlers(app: Flask) -> None:
    app.before_request(refuse_nul_in_query_string)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
