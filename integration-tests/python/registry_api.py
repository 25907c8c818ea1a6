"""Registry-client partner for integration-tests/test/registry-python-client.test.ts: Confluent's Python
SchemaRegistryClient (confluent-kafka) calls a Kafkit registry through its whole client API (register,
lookup, versions, config, deletes, GUID lookups, metadata and rule sets, associations, contexts) and the
AvroSerializer / AvroDeserializer in the GUID formats.

  registry_api.py --registry URL --prefix P

Prints one JSON object of results (bytes as hex). Calls that are meant to fail record the registry's
{"status", "code"}; any other failure exits 1 with a message on stderr.
"""

import argparse
import json
import sys

from confluent_kafka.schema_registry import (
    AssociationCreateOrUpdateInfo,
    AssociationCreateOrUpdateRequest,
    ConfigCompatibilityLevel,
    Metadata,
    MetadataProperties,
    MetadataTags,
    Rule,
    RuleKind,
    RuleMode,
    RuleParams,
    RuleSet,
    Schema,
    SchemaRegistryClient,
    SchemaRegistryError,
    ServerConfig,
    header_schema_id_serializer,
)
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

USER_V1 = json.dumps(
    {
        "type": "record",
        "name": "User",
        "namespace": "com.example.py",
        "fields": [{"name": "id", "type": "long"}, {"name": "name", "type": "string"}],
    }
)
USER_V2 = json.dumps(
    {
        "type": "record",
        "name": "User",
        "namespace": "com.example.py",
        "fields": [
            {"name": "id", "type": "long"},
            {"name": "name", "type": "string"},
            {"name": "email", "type": ["null", "string"], "default": None},
        ],
    }
)
# Not BACKWARD-compatible with v1: a new field without a default.
USER_BREAKING = json.dumps(
    {
        "type": "record",
        "name": "User",
        "namespace": "com.example.py",
        "fields": [{"name": "id", "type": "long"}, {"name": "name", "type": "string"}, {"name": "age", "type": "int"}],
    }
)


def avro(text, **extra):
    return Schema(text, "AVRO", **extra)


def rest_error(call):
    """Runs a call that should fail; returns the registry's answer, or None when it succeeded."""
    try:
        call()
        return None
    except SchemaRegistryError as e:
        return {"status": e.http_status_code, "code": e.error_code}


def registered(r):
    return {"id": r.schema_id, "guid": r.guid, "subject": r.subject, "version": r.version, **r.schema.to_dict()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", required=True)
    parser.add_argument("--prefix", required=True)
    args = parser.parse_args()
    p = args.prefix
    conf = {"url": args.registry, "max.retries": 0}
    client = SchemaRegistryClient(conf)
    out = {}

    # Register, look up, versions.
    subject, other = p + "users-value", p + "users-copy-value"
    r = {}
    r["id"] = client.register_schema(subject, avro(USER_V1))
    spaced = json.dumps(json.loads(USER_V1), indent=2)
    r["reRegisterId"] = client.register_schema(subject, avro(spaced))
    r["otherSubjectId"] = client.register_schema(other, avro(USER_V1))
    r["full"] = registered(client.register_schema_full_response(other, avro(spaced)))
    r["byId"] = client.get_schema(r["id"]).to_dict()
    r["byIdWithSubject"] = client.get_schema(r["id"], subject_name=subject).to_dict()
    r["lookup"] = registered(client.lookup_schema(subject, avro(USER_V1)))
    r["id2"] = client.register_schema(subject, avro(USER_V2))
    r["latest"] = registered(client.get_latest_version(subject))
    r["version1"] = registered(client.get_version(subject, 1))
    r["versions"] = client.get_versions(subject)
    r["subjects"] = [s for s in client.get_subjects() if s.startswith(p)]
    r["subjectsById"] = sorted(client.get_subjects_by_schema_id(r["id"]))
    r["versionsById"] = sorted([[v.subject, v.version] for v in client.get_schema_versions(r["id"])])
    r["contexts"] = client.get_contexts()
    r["types"] = client.get_schema_types()
    r["notFound"] = {
        "lookupBreaking": rest_error(lambda: client.lookup_schema(subject, avro(USER_BREAKING))),
        "latestMissing": rest_error(lambda: client.get_latest_version(p + "missing-value")),
        "versionMissing": rest_error(lambda: client.get_version(subject, 9)),
        "idMissing": rest_error(lambda: client.get_schema(987654)),
    }
    out["register"] = r

    # Compatibility and config.
    c = {}
    compat = p + "compat-value"
    client.register_schema(compat, avro(USER_V1))
    c["v2"] = client.test_compatibility(compat, avro(USER_V2))
    c["breaking"] = client.test_compatibility(compat, avro(USER_BREAKING))
    c["breakingAll"] = client.test_compatibility_all_versions(compat, avro(USER_BREAKING))
    c["registerBreaking"] = rest_error(lambda: client.register_schema(compat, avro(USER_BREAKING)))
    c["global"] = client.get_compatibility()
    c["subjectBefore"] = rest_error(lambda: client.get_compatibility(compat))
    c["set"] = client.set_compatibility(compat, "NONE")
    c["subjectAfter"] = client.get_compatibility(compat)
    c["registerAfterNone"] = client.register_schema(compat, avro(USER_BREAKING)) > 0
    c["setBad"] = rest_error(lambda: client.set_compatibility(compat, "SIDEWAYS"))
    c["mode"] = client.get_global_mode()
    out["compatibility"] = c

    # Deletes.
    d = {}
    dele = p + "delete-value"
    d["id1"] = client.register_schema(dele, avro(USER_V1))
    client.register_schema(dele, avro(USER_V2))
    d["permanentFirst"] = rest_error(lambda: client.delete_subject(dele, permanent=True))
    d["soft"] = client.delete_subject(dele)
    d["versionsAfterSoft"] = rest_error(lambda: client.get_versions(dele))
    d["deletedV2"] = registered(client.get_version(dele, 2, deleted=True))
    d["byIdAfterSoft"] = client.get_schema(d["id1"]).schema_str
    d["permanent"] = client.delete_subject(dele, permanent=True)
    client.clear_caches()
    d["afterPermanent"] = rest_error(lambda: client.get_version(dele, 1, deleted=True))
    client.register_schema(dele, avro(USER_V1))
    client.register_schema(dele, avro(USER_V2))
    d["versionSoft"] = client.delete_version(dele, 2)
    d["versionPermanentNotSoft"] = rest_error(lambda: client.delete_version(dele, 1, permanent=True))
    d["versionPermanent"] = client.delete_version(dele, 2, permanent=True)
    d["versions"] = client.get_versions(dele)
    out["delete"] = d

    # Confluent 8: GUIDs, metadata and rule sets, config, associations, GUID serde formats.
    g = {}
    metadata = Metadata(
        tags=MetadataTags({"User.name": ["PII"]}),
        properties=MetadataProperties({"owner": "py-team", "app.major": "1"}),
        sensitive=["name"],
    )
    rules = RuleSet(
        migration_rules=None,
        domain_rules=[
            Rule(
                name="positiveId",
                doc=None,
                kind=RuleKind.CONDITION,
                mode=RuleMode.WRITE,
                type="CEL",
                tags=None,
                params=RuleParams({"b": "2", "a": "1"}),
                expr="message.id > 0",
                on_success=None,
                on_failure=None,
                disabled=False,
            )
        ],
    )
    contract = p + "contract-value"
    full = client.register_schema_full_response(contract, avro(USER_V1, metadata=metadata, rule_set=rules))
    g["registered"] = registered(full)
    fresh = SchemaRegistryClient(conf)
    g["byGuid"] = fresh.get_schema_by_guid(full.guid).to_dict()
    g["byGuidMissing"] = rest_error(lambda: fresh.get_schema_by_guid("00000000-0000-0000-0000-000000000000"))
    g["lookup"] = registered(fresh.lookup_schema(contract, avro(USER_V1, metadata=metadata, rule_set=rules)))
    g["latest"] = registered(fresh.get_latest_version(contract))
    g["withMetadata"] = registered(fresh.get_latest_with_metadata(contract, {"owner": "py-team"}))
    g["withMetadataMissing"] = rest_error(lambda: fresh.get_latest_with_metadata(contract, {"owner": "nobody"}))
    g["plain"] = registered(client.register_schema_full_response(p + "plain-value", avro(USER_V1)))

    cfg_subject = p + "contract-cfg-value"
    client.set_config(
        cfg_subject,
        ServerConfig(
            compatibility=ConfigCompatibilityLevel.BACKWARD,
            compatibility_group="app.major",
            default_metadata=Metadata(tags=None, properties=MetadataProperties({"owner": "platform"}), sensitive=None),
            override_rule_set=rules,
        ),
    )
    g["config"] = client.get_config(cfg_subject).to_dict()
    g["configRegistered"] = registered(client.register_schema_full_response(cfg_subject, avro(USER_V1)))
    g["deleteConfig"] = client.delete_config(cfg_subject).to_dict()
    g["configAfterDelete"] = rest_error(lambda: client.get_config(cfg_subject))

    topic = p + "bound"
    response = client.create_association(
        AssociationCreateOrUpdateRequest(
            resource_name=topic,
            resource_namespace="lkc-py",
            resource_id="id-" + topic,
            resource_type="topic",
            associations=[AssociationCreateOrUpdateInfo(subject=contract, association_type="value")],
        )
    )
    g["association"] = response.to_dict()
    g["associations"] = [
        a.to_dict() for a in fresh.get_associations_by_resource_name(topic, "-", "topic", ["value"])
    ]
    g["associationsNone"] = fresh.get_associations_by_resource_name(p + "unbound", "-", "topic", ["value"])
    client.delete_associations("id-" + topic, "topic", ["value"])
    g["deleteAgain"] = rest_error(lambda: client.delete_associations("id-" + topic, "topic", ["value"]))

    # Serde: the GUID header form written by AvroSerializer, read by a fresh AvroDeserializer via /schemas/guids.
    serde_topic = p + "guid-users"
    client.register_schema(serde_topic + "-value", avro(USER_V1, metadata=metadata))
    serializer = AvroSerializer(
        client,
        USER_V1,
        conf={
            "auto.register.schemas": False,
            "use.latest.version": True,
            "schema.id.serializer": header_schema_id_serializer,
        },
    )
    ctx = SerializationContext(serde_topic, MessageField.VALUE, [])
    # (The Python deserializer refuses payloads of 5 bytes or less even in the header form: use a longer one.)
    payload = serializer({"id": 7, "name": "Ada Lovelace"}, ctx)
    headers = {k: v for k, v in ctx.headers}
    deserializer = AvroDeserializer(SchemaRegistryClient(conf))
    value = deserializer(payload, SerializationContext(serde_topic, MessageField.VALUE, ctx.headers))
    g["serde"] = {
        "headers": {k: v.hex() for k, v in headers.items()},
        "payload": payload.hex(),
        "value": value,
        "guid": client.get_latest_version(serde_topic + "-value").guid,
    }
    out["confluent8"] = g

    print(json.dumps(out, default=str))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - report any failure with its step
        import traceback

        traceback.print_exc()
        print(f"registry_api: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
