"""Experiments and runs: the experiments list, an experiment's runs table, a run's page."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from modelreg.entities import Experiment, PagedList, Run
from modelreg.errors import InvalidParameterValue, ModelRegistryError
from modelreg.search import EXPERIMENTS, RUNS
from modelreg.server.dependencies import LoggedModels, Tracking
from modelreg.server.ui import links
from modelreg.server.ui.artifact_pages import artifact_listing
from modelreg.server.ui.charts import HEIGHT, WIDTH, MetricChart, metric_chart
from modelreg.server.ui.page_group import PageGroup
from modelreg.server.ui.search_box import filter_for

__all__ = ["RunPages"]

PAGE_SIZE = 50
#: The runs table shows at most this many param and metric columns.
MAX_COLUMNS = 12
#: A run page charts at most this many metrics (one history query each).
MAX_CHARTS = 40


def _keys(runs: list[Run], kind: str) -> tuple[list[str], int]:
    keys: set[str] = set()
    for run in runs:
        keys.update(getattr(run.data, kind))
    ordered = sorted(keys)
    return ordered[:MAX_COLUMNS], max(len(ordered) - MAX_COLUMNS, 0)


class RunPages(PageGroup):
    """The experiments list, an experiment's runs and a run's page."""

    ROUTES = (
        ("GET", "/experiments", "experiments_list"),
        ("GET", "/experiments/{experiment_id}", "experiment_page"),
        ("GET", "/runs/{run_id}", "run_page"),
    )

    def experiments_list(
        self, request: Request, tracking: Tracking, q: str = "", page_token: str = ""
    ) -> Response:
        """The active experiments, newest first."""
        error = None
        found: PagedList[Experiment] = PagedList([], None)
        try:
            found = tracking.search_experiments(
                max_results=PAGE_SIZE,
                filter_string=filter_for(q, EXPERIMENTS) or None,
                page_token=page_token or None,
            )
        except InvalidParameterValue as problem:
            error = problem.message
        context = {
            "title": "Experiments",
            "q": q,
            "error": error,
            "experiments": found,
            "next_url": links.experiments(q=q, page_token=found.token) if found.token else None,
        }
        return self.pages.render(request, "experiments.html", context, 400 if error else 200)

    def experiment_page(
        self,
        request: Request,
        experiment_id: str,
        tracking: Tracking,
        q: str = "",
        order_by: str = "",
        page_token: str = "",
    ) -> Response:
        """An experiment's runs, with their params and metrics."""
        experiment = tracking.get_experiment(experiment_id)
        error = None
        runs: PagedList[Run] = PagedList([], None)
        try:
            runs = tracking.search_runs(
                [experiment.experiment_id],
                filter_for(q, RUNS, text_key="run_name"),
                max_results=PAGE_SIZE,
                order_by=[order_by] if order_by else None,
                page_token=page_token or None,
            )
        except InvalidParameterValue as problem:
            error = problem.message
        params, more_params = _keys(list(runs), "params")
        metrics, more_metrics = _keys(list(runs), "metrics")
        context = {
            "title": experiment.name,
            "experiment": experiment,
            "q": q,
            "order_by": order_by,
            "error": error,
            "runs": runs,
            "params": params,
            "metrics": metrics,
            "more_columns": more_params + more_metrics,
            "next_url": links.experiment(
                experiment.experiment_id, q=q, order_by=order_by, page_token=runs.token
            )
            if runs.token
            else None,
        }
        return self.pages.render(request, "experiment.html", context, 400 if error else 200)

    def run_page(
        self,
        request: Request,
        run_id: str,
        tracking: Tracking,
        logged_models: LoggedModels,
        path: str = "",
    ) -> Response:
        """A run: params, metrics with charts, tags, artifacts, and the models it logged."""
        run = tracking.get_run(run_id)
        experiment = tracking.get_experiment(run.info.experiment_id)
        charts: list[MetricChart] = []
        for key in sorted(run.data.metrics)[:MAX_CHARTS]:
            chart = metric_chart(key, tracking.get_metric_history(run_id, key))
            if chart is not None:
                charts.append(chart)
        listing = artifact_listing(run, path)
        models = []
        try:
            for output in logged_models.outputs_of([run_id]).get(run_id, []):
                models.append(logged_models.get_logged_model(output.model_id))
        except ModelRegistryError:
            models = []
        context = {
            "title": run.info.run_name or run.info.run_id,
            "run": run,
            "experiment": experiment,
            "charts": charts,
            "more_charts": max(len(run.data.metrics) - MAX_CHARTS, 0),
            "chart_width": WIDTH,
            "chart_height": HEIGHT,
            "listing": listing,
            "logged_models": models,
        }
        return self.pages.render(request, "run.html", context)
