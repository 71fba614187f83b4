"""Read `template.yaml` (CloudFormation/SAM) without AWS tooling.

The local stack and the tests create their DynamoDB tables from the template's own table
resource, so the key schema and indexes have one source of truth. CloudFormation short-form tags
(`!Ref`, `!Sub`, `!GetAtt`, ...) are mapped to their long form (`{"Ref": ...}`, `{"Fn::Sub": ...}`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

DEFAULT_TABLE_ID = "HeadlinezTable"

# create_table keys copied from the resource; the caller adds TableName.
_GSI_KEYS = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput", "OnDemandThroughput")


class TemplateError(ValueError):
    """The template cannot be read, or a resource is not the literal shape we need."""


class _CfnLoader(yaml.SafeLoader):
    """A SafeLoader that also accepts CloudFormation's short-form intrinsic function tags."""


def _construct_tag(loader: _CfnLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # pragma: no cover - yaml has no other node kinds
        raise TemplateError(f"unsupported node for !{tag_suffix}")
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML template into plain dicts (short-form tags expanded)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read template ({exc.strerror or exc})") from exc
    try:
        document = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources mapping)")
    return document


def resource(template: Mapping[str, Any], logical_id: str) -> dict[str, Any]:
    """One resource of a loaded template, by logical id."""
    resources = template.get("Resources", {})
    found = resources.get(logical_id) if isinstance(resources, Mapping) else None
    if not isinstance(found, dict):
        raise TemplateError(f"resource {logical_id!r} not found in template")
    return found


def table_definition(template: Mapping[str, Any], logical_id: str = DEFAULT_TABLE_ID) -> dict[str, Any]:
    """boto3 `create_table` keyword arguments (all but TableName) from an AWS::DynamoDB::Table.

    Usage: `client.create_table(TableName="headlinez-test", **table_definition(template))`.
    Raises TemplateError when the resource is of another type or uses intrinsic functions where
    literal values are needed.
    """
    table = resource(template, logical_id)
    if table.get("Type") != "AWS::DynamoDB::Table":
        raise TemplateError(f"{logical_id} is {table.get('Type')!r}, expected AWS::DynamoDB::Table")
    props = table.get("Properties") or {}
    definition: dict[str, Any] = {
        key: _literal(props.get(key, default), f"{logical_id}.{key}")
        for key, default in (
            ("AttributeDefinitions", None),
            ("KeySchema", None),
            ("BillingMode", "PROVISIONED"),
        )
    }
    if "ProvisionedThroughput" in props:
        definition["ProvisionedThroughput"] = _literal(
            props["ProvisionedThroughput"], f"{logical_id}.ProvisionedThroughput"
        )
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = props.get(key)
        if indexes:
            checked = _literal(indexes, f"{logical_id}.{key}")
            definition[key] = [{k: index[k] for k in _GSI_KEYS if k in index} for index in checked]
    return definition


def time_to_live_attribute(template: Mapping[str, Any], logical_id: str = DEFAULT_TABLE_ID) -> str | None:
    """The TTL attribute name when the table enables TTL (for `update_time_to_live`), else None."""
    spec = (resource(template, logical_id).get("Properties") or {}).get("TimeToLiveSpecification")
    if isinstance(spec, Mapping) and spec.get("Enabled") is True:
        name = spec.get("AttributeName")
        return name if isinstance(name, str) else None
    return None


def _literal(value: Any, where: str) -> Any:
    """`value` unchanged when it holds no intrinsic function; TemplateError otherwise."""
    if value is None:
        raise TemplateError(f"{where} is missing")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "Ref" or str(key).startswith("Fn::"):
                raise TemplateError(f"{where} uses {key}; the local stack needs literal values")
            _literal(item, f"{where}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _literal(item, f"{where}[{position}]")
    return value
