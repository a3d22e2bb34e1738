"""Admin pages for user accounts and agencies (thin: parse, call, render)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from cspr.admin.forms import (
    AgencyForm,
    ConfirmForm,
    DecisionRulesForm,
    NewUserForm,
    PartnershipForm,
    UserForm,
)
from cspr.auth import agencies, operations
from cspr.auth.roles import ADMIN, PARTNERS, ROLES, current_user, roles_required
from cspr.exceptions import Refused
from cspr.forms_support import attach_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _agency_choices(form: UserForm) -> None:
    """Offer the active agencies in the agency drop-down."""
    form.agency_id.choices = [("", "Not agency staff")] + [
        (a["id"], a["name"]) for a in agencies.list_agencies(active_only=True)
    ]


def _actor() -> dict:
    """Return the signed-in admin (roles_required has checked)."""
    user = current_user()
    assert user is not None
    return user


@bp.route("/users")
@roles_required(ADMIN)
def users() -> ResponseReturnValue:
    """List every account."""
    return render_template(
        "admin/users.html",
        title="User accounts",
        users=operations.list_users(),
        agency_names=agencies.agency_names(),
        roles=ROLES,
        partners=PARTNERS,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_user() -> ResponseReturnValue:
    """Create an account with a one-time password."""
    form = NewUserForm()
    _agency_choices(form)
    if form.validate_on_submit():
        try:
            user, one_time = operations.create_user(
                _actor(),
                form.email.data or "",
                form.role.data or "",
                form.name.data or "",
                form.agency_id.data or None,
                form.partner.data or None,
            )
        except Refused as refused:
            attach_error(form, refused, "email")
        else:
            return render_template(
                "admin/one_time_password.html",
                title="Account created",
                user=user,
                one_time=one_time,
                created=True,
            )
    return render_template("admin/user_form.html", form=form, title="Create an account", new=True)


@bp.route("/users/<user_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit_user(user_id: str) -> ResponseReturnValue:
    """Change an account's name, role, agency or partner."""
    user = operations.get_user(user_id)
    if user is None:
        abort(404)
    form = UserForm(data=user)
    _agency_choices(form)
    if form.validate_on_submit():
        try:
            operations.update_user(
                _actor(),
                user_id,
                form.role.data or "",
                form.name.data or "",
                form.agency_id.data or None,
                form.partner.data or None,
            )
        except Refused as refused:
            attach_error(form, refused, "role")
        else:
            flash(f"The account for {user['email']} has been updated.", "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html",
        form=form,
        title=f"Change {user['email']}",
        user=user,
        new=False,
        confirm=ConfirmForm(),
    )


@bp.route("/users/<user_id>/<action>", methods=["POST"])
@roles_required(ADMIN)
def user_action(user_id: str, action: str) -> ResponseReturnValue:
    """Disable, enable or reset the password of an account."""
    user = operations.get_user(user_id)
    if user is None or action not in {"disable", "enable", "reset-password"}:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if action == "reset-password":
            one_time = operations.reset_password(_actor(), user_id)
            return render_template(
                "admin/one_time_password.html",
                title="Password reset",
                user=user,
                one_time=one_time,
                created=False,
            )
        operations.set_disabled(_actor(), user_id, action == "disable")
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin.edit_user", user_id=user_id))
    done = "disabled and signed out everywhere" if action == "disable" else "enabled"
    flash(f"The account for {user['email']} has been {done}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/agencies", methods=["GET", "POST"], endpoint="agencies")
@roles_required(ADMIN)
def agencies_page() -> ResponseReturnValue:
    """List agencies and add one."""
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            agency = agencies.add_agency(_actor(), form.name.data or "")
        except Refused as refused:
            attach_error(form, refused, "name")
        else:
            flash(f"{agency['name']} has been added.", "success")
            return redirect(url_for("admin.agencies"))
    return render_template(
        "admin/agencies.html",
        title="Agencies",
        form=form,
        agencies=agencies.list_agencies(),
        confirm=ConfirmForm(),
    )


@bp.route("/agencies/<agency_id>/<action>", methods=["POST"])
@roles_required(ADMIN)
def agency_action(agency_id: str, action: str) -> ResponseReturnValue:
    """Retire an agency or bring it back."""
    if action not in {"retire", "restore"}:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        agency = agencies.set_agency_active(_actor(), agency_id, action == "restore")
    except operations.NotFound:
        abort(404)
    flash(
        f"{agency['name']} has been {'restored' if action == 'restore' else 'retired'}.", "success"
    )
    return redirect(url_for("admin.agencies"))


@bp.route("/decision-rules", methods=["GET", "POST"])
@roles_required(ADMIN)
def decision_rules() -> ResponseReturnValue:
    """Choose the partnership's decision rule and rapid review sign-off."""
    from cspr.casework import decisions

    form = DecisionRulesForm(
        data={"rule": decisions.decision_rule(), "signoffs": str(decisions.signoffs_required())}
    )
    form.rule.choices = list(decisions.RULES.items())
    if form.validate_on_submit():
        try:
            decisions.set_rules(_actor(), form.rule.data or "", int(form.signoffs.data or 0))
        except Refused as refused:
            attach_error(form, refused, "rule")
        else:
            flash("The decision rules have been saved.", "success")
            return redirect(url_for("admin.decision_rules"))
    return render_template("admin/decision_rules.html", title="Decision rules", form=form)


@bp.route("/partnership", methods=["GET", "POST"])
@roles_required(ADMIN)
def partnership_details() -> ResponseReturnValue:
    """Set the partnership's name, address, contact details and contact for families."""
    from cspr.admin import partnership

    current = partnership.details()
    form = PartnershipForm(data=current.values())
    if form.validate_on_submit():
        try:
            partnership.save(_actor(), {name: getattr(form, name).data for name in
                                        partnership.FIELDS})  # fmt: skip
        except partnership.DetailsRefused as refused:
            for name, message in refused.problems.items():
                attach_error(form, Refused(message, name), name)
        else:
            flash("The partnership's details have been saved. Letters made from now on use "
                  "them.", "success")  # fmt: skip
            return redirect(url_for("admin.partnership_details"))
    return render_template("admin/partnership.html", title="Partnership details", form=form,
                           current=current)  # fmt: skip
