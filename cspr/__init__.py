"""CSPR Toolkit: the app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from cspr import config as config_module
from cspr.extensions import csrf, limiter
from cspr.templating import SnapshotGlobalsEnvironment


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the CSPR Toolkit Flask app."""
    app = Flask(__name__)
    app.jinja_environment = SnapshotGlobalsEnvironment
    settings = config_module.from_environment()
    if test_config:
        settings.update(test_config)
    app.config.update(config_module.finalise(settings))

    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("cspr"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from cspr import errors, ratelimit, security, storage  # noqa: F401 - ratelimit: cspr://
    from cspr.auth import sessions

    storage.init_app(app)
    security.init_app(app)
    sessions.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)

    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)

    from cspr import (
        admin,
        api,
        audit_trail,
        auth,
        builder,
        documents,
        exports,
        learning,
        mail,
        main,
    )
    from cspr import requests as information_requests
    from cspr.casework import clock_routes
    from cspr.casework import routes as case_routes
    from cspr.formengine import registry, web

    registry.init_app(app)
    web.init_app(app)
    auth.init_app(app)
    admin.init_app(app)
    builder.init_app(app)
    api.init_app(app)
    audit_trail.init_app(app)
    clock_routes.init_app(app)
    case_routes.init_app(app)
    documents.init_app(app)
    exports.init_app(app)
    learning.init_app(app)
    mail.init_app(app)
    information_requests.init_app(app)
    main.init_app(app)
    return app
