"""``modelreg policies ...``: declare, show and remove the promotion policies of a registry.

These commands, and ``modelreg requests``, work on a local registry database or through a
server, like every other command.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from modelreg.cli.client_session import open_client
from modelreg.cli.options import JsonOption, parse_tags
from modelreg.cli.output import print_json, print_rich
from modelreg.entities.permissions import Permission
from modelreg.governance.policies import MetricThreshold, PromotionPolicy, PromotionTarget
from modelreg.governance.wire import policy_to_wire

if TYPE_CHECKING:
    from modelreg.operations import GovernanceOperations

app = typer.Typer(help="Promotion policies of stages and aliases.", no_args_is_help=True)

NameArgument = Annotated[
    str | None,
    typer.Argument(help="The registered model's name (omit it with --global).", show_default=False),
]
GlobalOption = Annotated[
    bool, typer.Option("--global", help="The global policies, for models without their own.")
]
StageOption = Annotated[
    str | None, typer.Option("--stage", help="The stage the policy guards, e.g. Production.")
]
AliasOption = Annotated[
    str | None, typer.Option("--alias", help="The alias the policy guards, e.g. champion.")
]


@contextmanager
def open_governance(ctx: typer.Context) -> Iterator[GovernanceOperations]:
    """The governance operations of the command's registry (local or a server)."""
    with open_client(ctx) as client:
        yield client


def model_scope(name: str | None, is_global: bool) -> str | None:
    """The model NAME, or None for --global (exactly one of them)."""
    if (name is not None) != is_global:
        return name
    raise typer.BadParameter("give a model NAME or --global (not both).")


@app.command("set")
def set_policy(
    ctx: typer.Context,
    name: NameArgument = None,
    is_global: GlobalOption = False,
    stage: StageOption = None,
    alias: AliasOption = None,
    role: Annotated[
        str | None,
        typer.Option("--role", help="Permission needed to move directly: EDIT or MANAGE."),
    ] = None,
    approvals: Annotated[
        int, typer.Option("--approvals", min=0, help="Distinct managers who must approve.")
    ] = 0,
    require_signature: Annotated[
        bool, typer.Option("--require-signature", help="The version must have a signature.")
    ] = False,
    require_tag: Annotated[
        list[str] | None,
        typer.Option(
            "--require-tag", metavar="KEY=VALUE", help="A version tag that must hold; repeat."
        ),
    ] = None,
    require_metric: Annotated[
        list[str] | None,
        typer.Option(
            "--require-metric",
            metavar="'METRIC OP NUMBER'",
            help="A bound on a source-run metric, e.g. 'r2 >= 0.9'; repeat.",
        ),
    ] = None,
    contract: Annotated[
        bool,
        typer.Option("--contract", help="Refuse signatures that break the current holder's."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Declare the policy of a stage or alias, replacing the one declared before."""
    scope = model_scope(name, is_global)
    required_tags = parse_tags(require_tag)
    with open_governance(ctx) as governance:
        policy = governance.set_promotion_policy(
            PromotionPolicy(
                PromotionTarget.of(stage, alias),
                scope,
                required_role=None if role is None else Permission.parse(role),
                required_approvals=approvals,
                require_signature=require_signature,
                required_tags=required_tags,
                metric_thresholds=tuple(
                    MetricThreshold.parse(text) for text in require_metric or ()
                ),
                contract_check=contract,
            )
        )
    _print_policies([policy], as_json)


@app.command("get")
def get_policies(
    ctx: typer.Context,
    name: NameArgument = None,
    is_global: GlobalOption = False,
    stage: StageOption = None,
    alias: AliasOption = None,
    effective: Annotated[
        bool,
        typer.Option(
            "--effective", help="With NAME: the policy that applies (its own, else the global)."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show the policies of a model (or the global ones), or the one of a stage or alias."""
    scope = model_scope(name, is_global)
    with open_governance(ctx) as governance:
        if effective:
            if scope is None:
                raise typer.BadParameter("--effective needs a model NAME.")
            found = governance.get_effective_promotion_policy(scope, stage=stage, alias=alias)
            policies = [] if found is None else [found]
        elif stage is None and alias is None:
            policies = governance.list_promotion_policies(scope)
        else:
            policies = [governance.get_promotion_policy(scope, stage=stage, alias=alias)]
    _print_policies(policies, as_json)


@app.command("delete")
def delete_policy(
    ctx: typer.Context,
    name: NameArgument = None,
    is_global: GlobalOption = False,
    stage: StageOption = None,
    alias: AliasOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove the policy of a stage or alias."""
    scope = model_scope(name, is_global)
    with open_governance(ctx) as governance:
        governance.delete_promotion_policy(scope, stage=stage, alias=alias)
    target = str(PromotionTarget.of(stage, alias))
    if as_json:
        print_json({"name": scope, "target": target, "deleted": True})
    else:
        typer.echo(f"Deleted the policy of {target} ({_scope_label(scope)}).")


def _scope_label(name: str | None) -> str:
    return "global" if name is None else f"model {name!r}"


def _print_policies(policies: Sequence[PromotionPolicy], as_json: bool) -> None:
    if as_json:
        print_json({"policies": [policy_to_wire(policy) for policy in policies]})
    elif not policies:
        typer.echo("No promotion policy.")
    else:
        print_rich(policies_table(policies))


def policies_table(policies: Sequence[PromotionPolicy]) -> Table:
    """One row per policy: scope, target and each rule."""
    table = Table("Scope", "Target", "Role", "Approvals", "Signature", "Tags", "Metrics")
    table.add_column("Contract")
    for policy in policies:
        table.add_row(
            Text(_scope_label(policy.model_name)),
            Text(str(policy.target)),
            "" if policy.required_role is None else policy.required_role.value,
            str(policy.required_approvals),
            "required" if policy.require_signature else "",
            Text("\n".join(f"{k}={v}" for k, v in sorted(policy.required_tags.items()))),
            Text("\n".join(str(threshold) for threshold in policy.metric_thresholds)),
            "checked" if policy.contract_check else "",
        )
    return table
