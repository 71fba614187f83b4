"""template.yaml (issue 13 items 5 and 8): API 500s raise an alarm; the deployed API sends HSTS.

The resolver turns every exception into a 500 problem, so the function never fails and the
Lambda `Errors` alarm never sees a server error: these alarms watch what does see them.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.test_template import TEMPLATE

from headlinez.settings import ApiSettings
from headlinez.template import load_template, resource

ALARM_ACTIONS = {"Fn::If": ["HasAlarmEmail", [{"Ref": "AlarmTopic"}], {"Ref": "AWS::NoValue"}]}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(TEMPLATE)


def _alarms_on(template: dict[str, Any], namespace: str, metric: str) -> list[dict[str, Any]]:
    return [
        res["Properties"] for res in template["Resources"].values()
        if res["Type"] == "AWS::CloudWatch::Alarm"
        and (res["Properties"].get("Namespace"), res["Properties"].get("MetricName")) == (namespace, metric)
    ]


def _assert_fires_on_one(alarm: dict[str, Any]) -> None:
    assert alarm["Statistic"] == "Sum"
    assert alarm["Period"] == 300
    assert alarm["Threshold"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["AlarmActions"] == ALARM_ACTIONS


def test_api_server_errors_metric_has_an_alarm(template: dict[str, Any]) -> None:
    # The metric functions/api/app.py emits (Powertools EMF: namespace from the environment,
    # dimension service=api).
    namespace = template["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]
    alarms = _alarms_on(template, namespace, "ApiServerErrors")

    assert len(alarms) == 1
    assert alarms[0]["Dimensions"] == [{"Name": "service", "Value": "api"}]
    _assert_fires_on_one(alarms[0])


def test_http_api_5xx_has_an_alarm(template: dict[str, Any]) -> None:
    # API Gateway's own 5xx (integration failures, timeouts) never reach the function's metric.
    alarms = _alarms_on(template, "AWS/ApiGateway", "5xx")

    assert len(alarms) == 1
    assert alarms[0]["Dimensions"] == [{"Name": "ApiId", "Value": {"Ref": "HeadlinezHttpApi"}}]
    _assert_fires_on_one(alarms[0])


def test_deployed_api_sends_hsts(template: dict[str, Any]) -> None:
    variables = resource(template, "ApiFunction")["Properties"]["Environment"]["Variables"]

    settings = ApiSettings.model_validate({"TABLE_NAME": "tbl", "HSTS_MAX_AGE": variables["HSTS_MAX_AGE"]})

    assert settings.hsts_max_age >= 31_536_000  # a year: what preload lists ask for
    assert ApiSettings.model_validate({"TABLE_NAME": "tbl"}).hsts_max_age == 0, "locally: no HSTS"
