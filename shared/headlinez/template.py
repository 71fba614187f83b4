"""Read `template.yaml` (CloudFormation/SAM) without AWS tooling.

The local stack and the tests create their DynamoDB tables from the template's own table
resource, so the key schema and indexes have one source of truth. CloudFormation short-form tags
(`!Ref`, `!Sub`, `!GetAtt`, ...) are mapped to their long form (`{"Ref": ...}`, `{"Fn::Sub": ...}`).

The template declares the `AWS::LanguageExtensions` transform: `load_template` expands its
`Fn::ForEach` loops (and resolves the `Fn::FindInMap` lookups they make) the way CloudFormation does
before SAM runs, so readers see the resources that get deployed. `with_globals` then merges the SAM
`Globals` section into the resources, by SAM's rules, for readers of a function's properties.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

DEFAULT_TABLE_ID = "HeadlinezTable"
LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
FOR_EACH_PREFIX = "Fn::ForEach::"
# The sections Fn::ForEach may appear in (and Globals, which the transform sees before SAM does).
_EXPANDED_SECTIONS = ("Conditions", "Resources", "Outputs", "Globals")
# SAM Globals section -> the resource type it applies to.
_GLOBALS_TYPES = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "HttpApi": "AWS::Serverless::HttpApi",
    "SimpleTable": "AWS::Serverless::SimpleTable",
    "StateMachine": "AWS::Serverless::StateMachine",
    "LayerVersion": "AWS::Serverless::LayerVersion",
}

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
    """Parse a CloudFormation/SAM YAML template into plain dicts, Fn::ForEach loops expanded.

    Short-form tags are expanded; with the AWS::LanguageExtensions transform declared, so are its
    loops (`expand_language_extensions`): the resources are those CloudFormation hands to SAM.
    """
    return expand_language_extensions(read_template(path))


def read_template(path: Path) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML template as written (short-form tags expanded, nothing else)."""
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


# --- AWS::LanguageExtensions: Fn::ForEach --------------------------------------------------------


def transforms(template: Mapping[str, Any]) -> list[str]:
    """The template's `Transform` declaration as a list (CloudFormation accepts a string or a list)."""
    declared = template.get("Transform", [])
    return [declared] if isinstance(declared, str) else list(declared)


def expand_language_extensions(template: dict[str, Any]) -> dict[str, Any]:
    """The template with every `Fn::ForEach` loop expanded, as the AWS::LanguageExtensions transform does.

    `Fn::ForEach::Name: [Identifier, [values...], {OutputKey: OutputValue}]` repeats the fragment
    once per value: `${Identifier}` (the value) and `&{Identifier}` (the value without its
    non-alphanumeric characters) are replaced in keys and strings, `{"Ref": Identifier}` becomes the
    value, `Fn::FindInMap` with literal keys is looked up in Mappings, a `Fn::Sub` left without
    variables becomes its string (so `Ref: !Sub "${Identifier}Function"` is a plain Ref), and a
    list-form `Fn::Sub` has its literal string variables written in. Loops nest. Only literal
    collections are supported (not a Ref to a CommaDelimitedList). A template without the transform
    is returned unchanged, unless it uses Fn::ForEach (TemplateError, as CloudFormation would fail).
    """
    if LANGUAGE_EXTENSIONS not in transforms(template):
        if _uses_for_each(template):
            raise TemplateError(f"Fn::ForEach needs the {LANGUAGE_EXTENSIONS} transform")
        return template
    mappings = template.get("Mappings") or {}
    expanded = dict(template)
    for section in _EXPANDED_SECTIONS:
        if isinstance(template.get(section), dict):
            expanded[section] = _expand(template[section], {}, mappings, section)
    return expanded


def _uses_for_each(node: Any) -> bool:
    if isinstance(node, dict):
        return any(str(k).startswith(FOR_EACH_PREFIX) or _uses_for_each(v) for k, v in node.items())
    return isinstance(node, list) and any(_uses_for_each(item) for item in node)


def _expand(node: Any, params: Mapping[str, str], mappings: Mapping[str, Any], where: str) -> Any:
    if isinstance(node, list):
        return [_expand(item, params, mappings, f"{where}[{i}]") for i, item in enumerate(node)]
    if isinstance(node, str):
        return _substitute(node, params)
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        fragments = (
            _for_each(key, value, params, mappings, where)
            if isinstance(key, str) and key.startswith(FOR_EACH_PREFIX)
            else {_substitute(key, params) if isinstance(key, str) else key:
                  _expand(value, params, mappings, f"{where}.{key}")}
        )
        for new_key, new_value in fragments.items():
            if new_key in out:
                raise TemplateError(f"{where}: {new_key!r} is defined twice after Fn::ForEach")
            out[new_key] = new_value
    return _resolve(out, params, mappings, where)


def _for_each(
    key: str, value: Any, params: Mapping[str, str], mappings: Mapping[str, Any], where: str
) -> dict[str, Any]:
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and isinstance(value[2], dict)):
        raise TemplateError(f"{where}.{key}: expected [Identifier, [values...], {{OutputKey: OutputValue}}]")
    identifier, collection, fragment = value
    collection = _expand(collection, params, mappings, f"{where}.{key}")
    if not isinstance(collection, list) or not all(isinstance(v, str | int | float) for v in collection):
        raise TemplateError(f"{where}.{key}: the collection must be a literal list of strings")
    out: dict[str, Any] = {}
    for item in collection:
        for new_key, new_value in _expand(fragment, {**params, identifier: str(item)}, mappings,
                                          f"{where}.{key}").items():
            if new_key in out:
                raise TemplateError(f"{where}.{key}: {new_key!r} repeats; put ${{{identifier}}} in the key")
            out[new_key] = new_value
    return out


def _substitute(text: str, params: Mapping[str, str]) -> str:
    for identifier, value in params.items():
        text = text.replace(f"${{{identifier}}}", value)
        text = text.replace(f"&{{{identifier}}}", re.sub(r"[^0-9A-Za-z]", "", value))
    return text


def _resolve(node: dict[str, Any], params: Mapping[str, str], mappings: Mapping[str, Any], where: str) -> Any:
    """An intrinsic function the transform resolves, resolved; anything else unchanged."""
    if len(node) != 1:
        return node
    ((function, argument),) = node.items()
    if function == "Ref" and isinstance(argument, str) and argument in params:
        return params[argument]
    if function == "Fn::Sub" and params:
        return _resolve_sub(argument)
    if function == "Fn::FindInMap":
        return _find_in_map(argument, mappings, where)
    return node


def _resolve_sub(argument: Any) -> Any:
    if (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)
            and isinstance(argument[1], dict)):
        text, variables = argument
        literal = {name: v for name, v in variables.items() if isinstance(v, str) and "${" not in v}
        for name, value in literal.items():
            text = text.replace(f"${{{name}}}", value)
        rest = {name: v for name, v in variables.items() if name not in literal}
        argument = [text, rest] if rest else text
    if isinstance(argument, str) and "${" not in argument:  # no variable, no ${!escape}
        return argument
    return {"Fn::Sub": argument}


def _find_in_map(argument: Any, mappings: Mapping[str, Any], where: str) -> Any:
    call = {"Fn::FindInMap": argument}
    if not isinstance(argument, list) or len(argument) not in (3, 4):
        return call
    keys, default = argument[:3], argument[3] if len(argument) == 4 else None
    if not all(isinstance(k, str) for k in keys):
        return call  # a lookup by parameter: CloudFormation resolves it at deploy time
    found: Any = mappings
    for k in keys:
        found = found.get(k) if isinstance(found, Mapping) else None
    if found is not None:
        return copy.deepcopy(found)
    if isinstance(default, Mapping) and "DefaultValue" in default:
        return copy.deepcopy(default["DefaultValue"])
    raise TemplateError(f"{where}: Fn::FindInMap {keys} is not in Mappings")


# --- SAM Globals ---------------------------------------------------------------------------------


def with_globals(template: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the template with its SAM `Globals` merged into the matching resources.

    SAM's rules: a value of the resource wins over the global one; mappings merge key by key; lists
    concatenate, globals first (`Layers: [SharedLayer]` in Globals and `[EmbeddingModelLayer]` on a
    function give `[SharedLayer, EmbeddingModelLayer]`); an intrinsic function counts as a scalar.
    `IgnoreGlobals` (a list of properties, or "*") is honoured. The Globals section stays in the copy.
    """
    merged = copy.deepcopy(dict(template))
    sections = merged.get("Globals") or {}
    for section, properties in sections.items():
        resource_type = _GLOBALS_TYPES.get(section)
        if resource_type is None or not isinstance(properties, dict):
            raise TemplateError(f"Globals.{section} is not a SAM Globals section")
        for res in merged["Resources"].values():
            if not isinstance(res, dict) or res.get("Type") != resource_type:
                continue
            ignored = res.get("IgnoreGlobals", [])
            if ignored == "*":
                continue
            inherited = {k: v for k, v in properties.items() if k not in ignored}
            res["Properties"] = _merge_global(inherited, res.get("Properties") or {})
    return merged


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and any(
        key in {"Ref", "Condition"} or str(key).startswith("Fn::") for key in value)


def _merge_global(global_value: Any, local_value: Any) -> Any:
    if isinstance(global_value, dict) and isinstance(local_value, dict) and not (
            _is_intrinsic(global_value) or _is_intrinsic(local_value)):
        merged = copy.deepcopy(global_value)
        for key, value in local_value.items():
            merged[key] = _merge_global(merged[key], value) if key in merged else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return copy.deepcopy(global_value) + local_value
    return local_value


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
