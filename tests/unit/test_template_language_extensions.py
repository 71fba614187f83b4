"""headlinez.template: Fn::ForEach (AWS::LanguageExtensions) and SAM Globals, as the readers see them.

template.yaml writes every function's log group and errors alarm as one Fn::ForEach; the local
stack and the template tests read the expanded resources, so the expander must agree with
CloudFormation's (cfn-lint's own expansion of template.yaml was compared once: same 59 resources).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from headlinez.template import (
    TemplateError,
    expand_language_extensions,
    load_template,
    read_template,
    with_globals,
)

TRANSFORMS = "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\n"


def _load(tmp_path: Path, body: str, header: str = TRANSFORMS) -> dict[str, Any]:
    path = tmp_path / "t.yaml"
    path.write_text(header + body, encoding="utf-8")
    return load_template(path)


def test_for_each_repeats_the_fragment_with_the_identifier_in_keys_and_values(tmp_path: Path) -> None:
    # Given a loop over two topics, with ${Name}, &{Name}, !Ref Name and Ref: !Sub in its fragment
    template = _load(tmp_path, """
Resources:
  Fn::ForEach::Topics:
    - Name
    - [orders.new, Refunds]
    - "&{Name}Topic":
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub ${AWS::StackName}-${Name}
          DisplayName: !Ref Name
          Tags: [{Key: plain, Value: !Sub "${Name}"}]
      "&{Name}Alarm":
        Type: AWS::CloudWatch::Alarm
        Properties:
          Dimensions:
            - Name: TopicName
              Value: !GetAtt [!Sub "&{Name}Topic", TopicName]
          AlarmActions: [{Ref: !Sub "&{Name}Topic"}]
  Other:
    Type: AWS::SQS::Queue
""")

    # Then each value gets its own resources, the rest of the template untouched
    resources = template["Resources"]
    assert list(resources) == ["ordersnewTopic", "ordersnewAlarm", "RefundsTopic", "RefundsAlarm", "Other"]
    orders = resources["ordersnewTopic"]["Properties"]
    assert orders["TopicName"] == {"Fn::Sub": "${AWS::StackName}-orders.new"}  # pseudo parameter stays
    assert orders["DisplayName"] == "orders.new"  # Ref to the identifier is its value
    assert orders["Tags"] == [{"Key": "plain", "Value": "orders.new"}]  # a Sub with no variable left
    alarm = resources["RefundsAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["RefundsTopic", "TopicName"]}
    assert alarm["AlarmActions"] == [{"Ref": "RefundsTopic"}]


def test_loops_nest_and_work_in_conditions_and_outputs(tmp_path: Path) -> None:
    template = _load(tmp_path, """
Conditions:
  Fn::ForEach::Envs:
    - Env
    - [Dev, Prod]
    - Is${Env}: !Equals [!Ref Stage, "${Env}"]
Resources:
  Fn::ForEach::Outer:
    - Service
    - [Api, Worker]
    - Fn::ForEach::Inner:
        - Metric
        - [Errors, Throttles]
        - ${Service}${Metric}Alarm:
            Type: AWS::CloudWatch::Alarm
            Properties:
              MetricName: !Ref Metric
              Dimensions: [{Name: FunctionName, Value: {Ref: !Sub "${Service}Function"}}]
Outputs:
  Fn::ForEach::Out:
    - Service
    - [Api]
    - ${Service}AlarmName:
        Value: !Ref
          Fn::Sub: ${Service}ErrorsAlarm
""")

    assert set(template["Resources"]) == {"ApiErrorsAlarm", "ApiThrottlesAlarm", "WorkerErrorsAlarm",
                                          "WorkerThrottlesAlarm"}
    worker = template["Resources"]["WorkerThrottlesAlarm"]["Properties"]
    assert worker == {"MetricName": "Throttles", "Dimensions": [{"Name": "FunctionName",
                                                                 "Value": {"Ref": "WorkerFunction"}}]}
    # A plain string is substituted too (the transform replaces every ${Identifier} of the fragment)
    assert template["Conditions"] == {"IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "Dev"]},
                                      "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "Prod"]}}
    assert template["Outputs"] == {"ApiAlarmName": {"Value": {"Ref": "ApiErrorsAlarm"}}}


def test_find_in_map_is_looked_up_and_literal_sub_variables_written_in(tmp_path: Path) -> None:
    template = _load(tmp_path, """
Mappings:
  Functions:
    Ingest: {Suffix: ingest, Label: The ingest function}
Resources:
  Fn::ForEach::Groups:
    - Function
    - [Ingest]
    - ${Function}LogGroup:
        Type: AWS::Logs::LogGroup
        Properties:
          LogGroupName: !Sub
            - /aws/lambda/${AWS::StackName}-${Suffix}
            - Suffix: !FindInMap [Functions, !Ref Function, Suffix]
          Description: !Sub
            - ${Label} logs ${Kind}
            - Label: !FindInMap [Functions, !Ref Function, Label]
              Kind: !Ref KindParameter
          Missing: !FindInMap [Functions, !Ref Function, Colour, {DefaultValue: grey}]
          Escaped: !Sub "${!Function} is literal"
          ByParameter: !FindInMap [Functions, !Ref Stage, Suffix]
""")

    props = template["Resources"]["IngestLogGroup"]["Properties"]
    assert props["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${AWS::StackName}-ingest"}
    # A variable that is not a literal stays a variable
    assert props["Description"] == {"Fn::Sub": ["The ingest function logs ${Kind}",
                                                {"Kind": {"Ref": "KindParameter"}}]}
    assert props["Missing"] == "grey"
    assert props["Escaped"] == {"Fn::Sub": "${!Function} is literal"}  # not an identifier: an escape
    assert props["ByParameter"] == {"Fn::FindInMap": ["Functions", {"Ref": "Stage"}, "Suffix"]}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # A key without the identifier: every value would write the same resource
        ("Resources:\n  Fn::ForEach::L: [X, [a, b], {Same: {Type: T}}]\n", "repeats"),
        # The loop's output collides with a resource written by hand
        ("Resources:\n  Fn::ForEach::L: [X, [A], {'${X}Q': {Type: T}}]\n  AQ: {Type: T}\n", "twice"),
        # A Ref to a CommaDelimitedList parameter is resolved at deploy time: not supported here
        ("Resources:\n  Fn::ForEach::L: [X, !Ref Names, {'${X}Q': {Type: T}}]\n", "literal list"),
        ("Resources:\n  Fn::ForEach::L: [X, [A]]\n", "expected"),
        # A lookup of a key the mapping lacks fails (cfn-lint 1.58 does not report this one)
        ("Mappings: {M: {A: {k: v}}}\nResources:\n  Fn::ForEach::L: [X, [A], {'${X}Q': "
         "{Type: T, Properties: {P: !FindInMap [M, !Ref X, nope]}}}]\n", "not in Mappings"),
    ],
)
def test_malformed_loops_are_rejected(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        _load(tmp_path, body)


def test_without_the_transform_nothing_is_expanded_and_a_loop_is_an_error(tmp_path: Path) -> None:
    plain = _load(tmp_path, "Resources:\n  Q:\n    Type: T\n    Properties: {A: !Sub 'x'}\n",
                  header="Transform: AWS::Serverless-2016-10-31\n")
    assert plain["Resources"]["Q"]["Properties"] == {"A": {"Fn::Sub": "x"}}  # no simplification either
    with pytest.raises(TemplateError, match="needs the AWS::LanguageExtensions transform"):
        _load(tmp_path, "Resources:\n  Fn::ForEach::L: [X, [A], {'${X}Q': {Type: T}}]\n", header="")


def test_read_template_keeps_the_loop_as_written(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TRANSFORMS + "Resources:\n  Fn::ForEach::L: [X, [A], {'${X}Q': {Type: T}}]\n",
                    encoding="utf-8")
    written = read_template(path)
    assert written["Resources"] == {"Fn::ForEach::L": ["X", ["A"], {"${X}Q": {"Type": "T"}}]}
    assert expand_language_extensions(written)["Resources"] == {"AQ": {"Type": "T"}}
    assert written["Resources"] == {"Fn::ForEach::L": ["X", ["A"], {"${X}Q": {"Type": "T"}}]}  # not mutated


def test_with_globals_merges_like_sam(tmp_path: Path) -> None:
    template = _load(tmp_path, """
Globals:
  Function:
    Runtime: python3.12
    Timeout: 30
    Layers: [!Ref SharedLayer]
    Environment: {Variables: {TABLE_NAME: !Ref Table, LEVEL: INFO}}
    Tags: !If [C, {a: b}, !Ref AWS::NoValue]
Resources:
  Plain:
    Type: AWS::Serverless::Function
  Cluster:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 300
      Layers: [!Ref ModelLayer]
      Environment: {Variables: {LEVEL: DEBUG, MODEL: m}}
      Tags: {x: y}
  Alone:
    Type: AWS::Serverless::Function
    IgnoreGlobals: [Layers, Runtime]
  Queue:
    Type: AWS::SQS::Queue
""")

    merged = with_globals(template)
    resources = merged["Resources"]
    assert resources["Plain"]["Properties"] == template["Globals"]["Function"]
    cluster = resources["Cluster"]["Properties"]
    assert cluster["Runtime"] == "python3.12"
    assert cluster["Timeout"] == 300  # the function's own value wins
    assert cluster["Layers"] == [{"Ref": "SharedLayer"}, {"Ref": "ModelLayer"}]  # lists: globals first
    assert cluster["Environment"]["Variables"] == {"TABLE_NAME": {"Ref": "Table"}, "LEVEL": "DEBUG",
                                                   "MODEL": "m"}
    assert cluster["Tags"] == {"x": "y"}  # an intrinsic function is a scalar: not merged key by key
    assert "Layers" not in resources["Alone"]["Properties"]
    assert "Runtime" not in resources["Alone"]["Properties"]
    assert "Properties" not in resources["Queue"]
    # The input is not changed, and the Globals section stays for readers
    assert template["Resources"]["Cluster"]["Properties"]["Layers"] == [{"Ref": "ModelLayer"}]
    assert merged["Globals"] == template["Globals"]


def test_with_globals_rejects_an_unknown_section(tmp_path: Path) -> None:
    template = _load(tmp_path, "Globals: {Bucket: {A: 1}}\nResources: {}\n")
    with pytest.raises(TemplateError, match=r"Globals\.Bucket"):
        with_globals(template)
