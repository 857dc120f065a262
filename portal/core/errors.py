"""Error pages in French that never show a stack trace."""

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from portal.core.db import db

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


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400 or isinstance(error, SecurityError):
        # A SecurityError is a Host header outside TRUSTED_HOSTS: no URL can be built for such a
        # request, so it gets werkzeug's bare page rather than ours.
        return error
    return render_error(error.code)


def handle_csrf_error(error: CSRFError):
    return render_error(400, "Le formulaire a expiré ou ne vient pas de Passerelle. "
                             "Rechargez la page et recommencez.")


def handle_unexpected_error(error: Exception):
    logger.exception("Unhandled error", exc_info=getattr(error, "original_exception", error))
    db.session.rollback()
    return render_error(500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
