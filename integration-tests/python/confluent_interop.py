"""Interop partner for integration-tests/test/client-interop.test.ts: Confluent's own Python
client (confluent-kafka AvroSerializer / AvroDeserializer) against Kafkit's registry and broker.

  produce --brokers B --registry URL --topic T --schema JSON --key K --value JSON [--base64-fields F,G]
      writes one record with AvroSerializer (TopicNameStrategy, auto-register) and librdkafka's
      Java-compatible murmur2 partitioner; prints {"partition", "offset"}.
  encode --brokers B --registry URL --topic T --schema JSON --value JSON [--base64-fields F,G]
      prints {"hex"}: exactly the bytes AvroSerializer produces (Confluent wire format).
  consume --brokers B --registry URL --topic T --group G [--timeout S]
      reads one record with AvroDeserializer (writer schema from the registry); prints
      {"key", "value", "partition", "offset"}.
"""

import argparse
import base64
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def as_json(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot encode {type(value).__name__}")


def serialize(args):
    registry = SchemaRegistryClient({"url": args.registry})
    serializer = AvroSerializer(registry, args.schema, conf={"auto.register.schemas": True})
    value = json.loads(args.value)
    # JSON has no bytes: the named top-level fields arrive as base64 text.
    for field in filter(None, args.base64_fields.split(",")):
        value[field] = base64.b64decode(value[field])
    return serializer(value, SerializationContext(args.topic, MessageField.VALUE))


def encode(args):
    print(json.dumps({"hex": serialize(args).hex()}))
    return 0


def produce(args):
    producer = Producer({"bootstrap.servers": args.brokers, "partitioner": "murmur2_random", "acks": "all"})
    payload = serialize(args)
    result = {}

    def delivered(err, msg):
        if err is not None:
            result["error"] = str(err)
        else:
            result["partition"] = msg.partition()
            result["offset"] = msg.offset()

    producer.produce(args.topic, key=args.key.encode("utf-8"), value=payload, on_delivery=delivered)
    producer.flush(30)
    if "error" in result or "partition" not in result:
        print(json.dumps({"error": result.get("error", "not delivered")}))
        return 1
    print(json.dumps(result))
    return 0


def consume(args):
    registry = SchemaRegistryClient({"url": args.registry})
    deserializer = AvroDeserializer(registry)
    consumer = Consumer(
        {
            "bootstrap.servers": args.brokers,
            "group.id": args.group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([args.topic])
    try:
        msg = consumer.poll(args.timeout)
        while msg is not None and msg.error() is not None:
            msg = consumer.poll(args.timeout)
        if msg is None:
            print(json.dumps({"error": f"no record within {args.timeout}s"}))
            return 1
        value = deserializer(msg.value(), SerializationContext(msg.topic(), MessageField.VALUE))
        key = msg.key().decode("utf-8") if msg.key() is not None else None
        print(json.dumps({"key": key, "value": value, "partition": msg.partition(), "offset": msg.offset()}, default=as_json))
        return 0
    finally:
        consumer.close()


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("produce")
    e = sub.add_parser("encode")
    c = sub.add_parser("consume")
    for s in (p, e, c):
        s.add_argument("--brokers", required=True)
        s.add_argument("--registry", required=True)
        s.add_argument("--topic", required=True)
    for s in (p, e):
        s.add_argument("--schema", required=True)
        s.add_argument("--value", required=True)
        s.add_argument("--base64-fields", default="")
    p.add_argument("--key", required=True)
    c.add_argument("--group", required=True)
    c.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    return {"produce": produce, "encode": encode, "consume": consume}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
