// Command interop runs Confluent's official Go Schema Registry client
// (github.com/confluentinc/confluent-kafka-go/v2/schemaregistry) and its Avro serde
// (schemaregistry/serde/avrov2) against a Kafkit registry, for
// integration-tests/test/registry-go-client.test.ts.
//
//	go run . -registry URL -prefix P [-userinfo user:password] < input.json
//
// stdin: {"readingSchema": "<Avro JSON>", "reading": {...}, "ours": "<base64>"} where
// "reading" is the value to serialize (bytes fields as base64) and "ours" is the same
// value framed by Kafkit's encodeAvro, already registered under P+"readings-value".
// Prints one JSON object of results on stdout (bytes as base64). Calls that are meant
// to fail record the registry's error_code; any other failure exits 1 with a message.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rest"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/hamba/avro/v2"
)

const userV1 = `{"type":"record","name":"User","namespace":"com.example.go","fields":[
  {"name":"id","type":"long"},{"name":"name","type":"string"}]}`

// BACKWARD-compatible with v1: the new field has a default.
const userV2 = `{"type":"record","name":"User","namespace":"com.example.go","fields":[
  {"name":"id","type":"long"},{"name":"name","type":"string"},
  {"name":"email","type":["null","string"],"default":null}]}`

// Not BACKWARD-compatible with v1: a new field without a default.
const userBreaking = `{"type":"record","name":"User","namespace":"com.example.go","fields":[
  {"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"age","type":"int"}]}`

// userV1 as the same schema, formatted differently.
const userV1Spaced = `{
  "type": "record",
  "name": "User",
  "namespace": "com.example.go",
  "fields": [ { "name": "id", "type": "long" }, { "name": "name", "type": "string" } ]
}`

// Reading matches the readingSchema the test sends.
type Reading struct {
	Sensor  string   `avro:"sensor" json:"sensor"`
	Celsius float64  `avro:"celsius" json:"celsius"`
	Seq     int64    `avro:"seq" json:"seq"`
	Raw     []byte   `avro:"raw" json:"raw"`
	Label   *string  `avro:"label" json:"label"`
	Kind    string   `avro:"kind" json:"kind"`
	Tags    []string `avro:"tags" json:"tags"`
}

var readingAvro avro.Schema

// Schema lets the auto-registering serializer use the test's schema instead of deriving one.
func (*Reading) Schema() avro.Schema { return readingAvro }

type UserV1 struct {
	ID   int64  `avro:"id" json:"id"`
	Name string `avro:"name" json:"name"`
}

type UserV2 struct {
	ID    int64   `avro:"id" json:"id"`
	Name  string  `avro:"name" json:"name"`
	Email *string `avro:"email" json:"email"`
}

type input struct {
	ReadingSchema string          `json:"readingSchema"`
	Reading       json.RawMessage `json:"reading"`
	Ours          []byte          `json:"ours"`
	// The reading framed by Kafkit with the GUID prefix (magic 1), for the schema registered under P+"guid-readings-value".
	OursGuid []byte `json:"oursGuid"`
}

// RestErr is what a call that should fail returned: the registry's error_code and message.
type RestErr struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type meta struct {
	ID         int                        `json:"id"`
	Subject    string                     `json:"subject"`
	Version    int                        `json:"version"`
	Schema     string                     `json:"schema"`
	SchemaType string                     `json:"schemaType"`
	References []schemaregistry.Reference `json:"references"`
}

func toMeta(m schemaregistry.SchemaMetadata) meta {
	return meta{m.ID, m.Subject, m.Version, m.Schema, m.SchemaType, m.References}
}

func fail(step string, err error) {
	fmt.Fprintf(os.Stderr, "interop: %s: %v\n", step, err)
	os.Exit(1)
}

func must[T any](step string) func(T, error) T {
	return func(v T, err error) T {
		if err != nil {
			fail(step, err)
		}
		return v
	}
}

// restErr expects err to be a registry error answer; nil (JSON null) when the call succeeded.
func restErr[T any](step string) func(T, error) *RestErr {
	return func(_ T, err error) *RestErr {
		if err == nil {
			return nil
		}
		var re *rest.Error
		if !errors.As(err, &re) {
			fail(step, err)
		}
		return &RestErr{re.Code, re.Message}
	}
}

func avroInfo(schema string) schemaregistry.SchemaInfo {
	return schemaregistry.SchemaInfo{Schema: schema, SchemaType: "AVRO"}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func main() {
	registryURL := flag.String("registry", "", "schema registry URL")
	prefix := flag.String("prefix", "", "prefix for every subject and topic name")
	userInfo := flag.String("userinfo", "", "user:password for HTTP basic auth (optional)")
	flag.Parse()
	if *registryURL == "" || *prefix == "" {
		fmt.Fprintln(os.Stderr, "usage: interop -registry URL -prefix P [-userinfo user:password] < input.json")
		os.Exit(2)
	}
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail("reading stdin", err)
	}

	conf := schemaregistry.NewConfig(*registryURL)
	if *userInfo != "" {
		conf.BasicAuthCredentialsSource = "USER_INFO"
		conf.BasicAuthUserInfo = *userInfo
	}
	// No 5xx is expected: fail fast instead of retrying.
	conf.MaxRetries = 0
	client := must[schemaregistry.Client]("NewClient")(schemaregistry.NewClient(conf))
	defer client.Close()
	out := map[string]any{}
	p := *prefix

	// Register and look up.
	{
		subject, other := p+"users-value", p+"users-copy-value"
		id := must[int]("Register v1")(client.Register(subject, avroInfo(userV1), false))
		reg := map[string]any{
			"id": id,
			// Differently formatted text bypasses the client cache, so the server answers.
			"reRegisterId":   must[int]("Register v1 again")(client.Register(subject, avroInfo(userV1Spaced), false)),
			"otherSubjectId": must[int]("Register v1 under another subject")(client.Register(other, avroInfo(userV1), false)),
		}
		full := must[schemaregistry.SchemaMetadata]("RegisterFullResponse")(client.RegisterFullResponse(other, avroInfo(userV1Spaced), false))
		reg["fullResponse"] = toMeta(full)
		byID := must[schemaregistry.SchemaInfo]("GetBySubjectAndID")(client.GetBySubjectAndID(subject, id))
		reg["bySubjectAndId"] = map[string]any{"schema": byID.Schema, "schemaType": byID.SchemaType}
		byIDNoSubject := must[schemaregistry.SchemaInfo]("GetBySubjectAndID without subject")(client.GetBySubjectAndID("", id))
		reg["byId"] = map[string]any{"schema": byIDNoSubject.Schema}
		reg["getId"] = must[int]("GetID")(client.GetID(subject, avroInfo(userV1), false))
		reg["getIdFull"] = toMeta(must[schemaregistry.SchemaMetadata]("GetIDFullResponse")(client.GetIDFullResponse(other, avroInfo(userV1), false)))
		reg["latestV1"] = toMeta(must[schemaregistry.SchemaMetadata]("GetLatestSchemaMetadata")(client.GetLatestSchemaMetadata(subject)))

		id2 := must[int]("Register v2")(client.Register(subject, avroInfo(userV2), false))
		reg["id2"] = id2
		must[any]("ClearLatestCaches")(nil, client.ClearLatestCaches())
		reg["latestV2"] = toMeta(must[schemaregistry.SchemaMetadata]("GetLatestSchemaMetadata after v2")(client.GetLatestSchemaMetadata(subject)))
		reg["metadataV1"] = toMeta(must[schemaregistry.SchemaMetadata]("GetSchemaMetadata 1")(client.GetSchemaMetadata(subject, 1)))
		reg["versionV1"] = must[int]("GetVersion v1")(client.GetVersion(subject, avroInfo(userV1), false))
		reg["versionV2"] = must[int]("GetVersion v2")(client.GetVersion(subject, avroInfo(userV2), false))
		reg["versions"] = must[[]int]("GetAllVersions")(client.GetAllVersions(subject))
		reg["otherVersions"] = must[[]int]("GetAllVersions other")(client.GetAllVersions(other))
		subjects := must[[]string]("GetAllSubjects")(client.GetAllSubjects())
		reg["subjectsHasBoth"] = contains(subjects, subject) && contains(subjects, other)
		svs := must[[]schemaregistry.SubjectAndVersion]("GetSubjectsAndVersionsByID")(client.GetSubjectsAndVersionsByID(id))
		sort.Slice(svs, func(i, j int) bool { return svs[i].Subject < svs[j].Subject })
		reg["subjectsAndVersionsById"] = svs
		reg["contexts"] = must[[]string]("GetAllContexts")(client.GetAllContexts())

		reg["notFound"] = map[string]any{
			"getIdBreaking":   restErr[int]("GetID breaking")(client.GetID(subject, avroInfo(userBreaking), false)),
			"latestMissing":   restErr[schemaregistry.SchemaMetadata]("GetLatestSchemaMetadata missing")(client.GetLatestSchemaMetadata(p + "missing-value")),
			"versionMissing":  restErr[schemaregistry.SchemaMetadata]("GetSchemaMetadata 9")(client.GetSchemaMetadata(subject, 9)),
			"idMissing":       restErr[schemaregistry.SchemaInfo]("GetBySubjectAndID missing")(client.GetBySubjectAndID(subject, 987654)),
			"versionsMissing": restErr[[]int]("GetAllVersions missing")(client.GetAllVersions(p + "missing-value")),
		}
		out["register"] = reg
	}

	// Compatibility tests and config.
	{
		subject := p + "compat-value"
		must[int]("Register compat v1")(client.Register(subject, avroInfo(userV1), false))
		c := map[string]any{
			"subjectV2":       must[bool]("TestSubjectCompatibility v2")(client.TestSubjectCompatibility(subject, avroInfo(userV2))),
			"subjectBreaking": must[bool]("TestSubjectCompatibility breaking")(client.TestSubjectCompatibility(subject, avroInfo(userBreaking))),
			"v1V2":            must[bool]("TestCompatibility 1 v2")(client.TestCompatibility(subject, 1, avroInfo(userV2))),
			"v1Breaking":      must[bool]("TestCompatibility 1 breaking")(client.TestCompatibility(subject, 1, avroInfo(userBreaking))),
			"missingVersion":  restErr[bool]("TestCompatibility 5")(client.TestCompatibility(subject, 5, avroInfo(userV2))),
			"unknownSubject":  must[bool]("TestSubjectCompatibility unknown subject")(client.TestSubjectCompatibility(p+"nothing-value", avroInfo(userBreaking))),
		}
		c["versionsAfterTests"] = must[[]int]("GetAllVersions compat")(client.GetAllVersions(subject))
		c["registerBreaking"] = restErr[int]("Register breaking")(client.Register(subject, avroInfo(userBreaking), false))

		def := must[schemaregistry.Compatibility]("GetDefaultCompatibility")(client.GetDefaultCompatibility())
		c["default"] = def.String()
		c["subjectBeforeUpdate"] = restErr[schemaregistry.Compatibility]("GetCompatibility before update")(client.GetCompatibility(subject))
		updated := must[schemaregistry.Compatibility]("UpdateCompatibility NONE")(client.UpdateCompatibility(subject, schemaregistry.None))
		c["updated"] = updated.String()
		got := must[schemaregistry.Compatibility]("GetCompatibility")(client.GetCompatibility(subject))
		c["afterUpdate"] = got.String()
		c["breakingAfterNone"] = must[bool]("TestSubjectCompatibility breaking after NONE")(client.TestSubjectCompatibility(subject, avroInfo(userBreaking)))
		breakingID := must[int]("Register breaking after NONE")(client.Register(subject, avroInfo(userBreaking), false))
		c["breakingVersion"] = must[int]("GetVersion breaking")(client.GetVersion(subject, avroInfo(userBreaking), false))
		c["breakingGetId"] = must[int]("GetID breaking")(client.GetID(subject, avroInfo(userBreaking), false)) == breakingID

		cfg := must[schemaregistry.ServerConfig]("UpdateConfig")(client.UpdateConfig(subject, schemaregistry.ServerConfig{CompatibilityUpdate: schemaregistry.FullTransitive}))
		c["updateConfig"] = cfg.CompatibilityUpdate.String()
		cfg = must[schemaregistry.ServerConfig]("GetConfig")(client.GetConfig(subject, false))
		c["getConfig"] = cfg.CompatibilityLevel.String()
		noSubjectCfg := must[schemaregistry.ServerConfig]("GetConfig defaultToGlobal")(client.GetConfig(p+"nothing-value", true))
		c["getConfigDefaultToGlobal"] = noSubjectCfg.CompatibilityLevel.String()
		c["getConfigNoDefault"] = restErr[schemaregistry.ServerConfig]("GetConfig no subject config")(client.GetConfig(p+"nothing-value", false))
		globalCfg := must[schemaregistry.ServerConfig]("GetDefaultConfig")(client.GetDefaultConfig())
		c["defaultConfig"] = globalCfg.CompatibilityLevel.String()
		def = must[schemaregistry.Compatibility]("GetDefaultCompatibility again")(client.GetDefaultCompatibility())
		c["defaultAfter"] = def.String()
		out["compatibility"] = c
	}

	// Deletes: soft, then permanent, subjects and versions.
	{
		subject := p + "delete-value"
		id1 := must[int]("Register delete v1")(client.Register(subject, avroInfo(userV1), false))
		id2 := must[int]("Register delete v2")(client.Register(subject, avroInfo(userV2), false))
		d := map[string]any{"id1": id1, "id2": id2}
		d["permanentFirst"] = restErr[[]int]("DeleteSubject permanent before soft")(client.DeleteSubject(subject, true))
		d["soft"] = must[[]int]("DeleteSubject soft")(client.DeleteSubject(subject, false))
		d["listedAfterSoft"] = contains(must[[]string]("GetAllSubjects after soft")(client.GetAllSubjects()), subject)
		d["versionsAfterSoft"] = restErr[[]int]("GetAllVersions after soft")(client.GetAllVersions(subject))
		d["deletedV2"] = toMeta(must[schemaregistry.SchemaMetadata]("GetSchemaMetadataIncludeDeleted")(client.GetSchemaMetadataIncludeDeleted(subject, 2, true)))
		d["deletedVersionOfV1"] = must[int]("GetVersionIncludeDeleted")(client.GetVersionIncludeDeleted(subject, avroInfo(userV1), false, true))
		must[any]("ClearCaches")(nil, client.ClearCaches())
		byID := must[schemaregistry.SchemaInfo]("GetBySubjectAndID after soft delete")(client.GetBySubjectAndID(subject, id1))
		d["byIdAfterSoft"] = byID.Schema
		d["softAgain"] = restErr[[]int]("DeleteSubject soft again")(client.DeleteSubject(subject, false))
		d["permanent"] = must[[]int]("DeleteSubject permanent")(client.DeleteSubject(subject, true))
		must[any]("ClearCaches")(nil, client.ClearCaches())
		d["afterPermanent"] = restErr[schemaregistry.SchemaMetadata]("GetSchemaMetadataIncludeDeleted after permanent")(client.GetSchemaMetadataIncludeDeleted(subject, 1, true))
		d["reRegisterId"] = must[int]("Register after permanent delete")(client.Register(subject, avroInfo(userV1), false))
		d["reRegisterLatest"] = toMeta(must[schemaregistry.SchemaMetadata]("GetLatestSchemaMetadata after re-register")(client.GetLatestSchemaMetadata(subject)))
		must[int]("Register v2 again")(client.Register(subject, avroInfo(userV2), false))
		d["versionSoft"] = must[int]("DeleteSubjectVersion soft")(client.DeleteSubjectVersion(subject, 2, false))
		d["versionsAfterVersionSoft"] = must[[]int]("GetAllVersions after version delete")(client.GetAllVersions(subject))
		d["versionPermanentNotSoft"] = restErr[int]("DeleteSubjectVersion 1 permanent")(client.DeleteSubjectVersion(subject, 1, true))
		d["versionPermanent"] = must[int]("DeleteSubjectVersion permanent")(client.DeleteSubjectVersion(subject, 2, true))
		must[any]("ClearCaches")(nil, client.ClearCaches())
		d["versionGone"] = restErr[schemaregistry.SchemaMetadata]("GetSchemaMetadataIncludeDeleted 2")(client.GetSchemaMetadataIncludeDeleted(subject, 2, true))
		out["delete"] = d
	}

	// avrov2 Serializer / Deserializer.
	{
		var err error
		readingAvro, err = avro.Parse(in.ReadingSchema)
		if err != nil {
			fail("parsing readingSchema", err)
		}
		var reading Reading
		if err := json.Unmarshal(in.Reading, &reading); err != nil {
			fail("decoding reading", err)
		}
		topic := p + "readings"
		s := map[string]any{}
		// The test registered this schema already: same id.
		s["registeredId"] = must[int]("Register reading")(client.Register(topic+"-value", avroInfo(in.ReadingSchema), false))

		latestConf := avrov2.NewSerializerConfig()
		latestConf.AutoRegisterSchemas = false
		latestConf.UseLatestVersion = true
		ser := must[*avrov2.Serializer]("NewSerializer useLatestVersion")(avrov2.NewSerializer(client, serde.ValueSerde, latestConf))
		s["latest"] = must[[]byte]("Serialize useLatestVersion")(ser.Serialize(topic, &reading))

		// Auto-register (the default) registers the text hamba/avro prints for readingAvro, under its own topic.
		autoSer := must[*avrov2.Serializer]("NewSerializer autoRegister")(avrov2.NewSerializer(client, serde.ValueSerde, avrov2.NewSerializerConfig()))
		s["autoRegister"] = must[[]byte]("Serialize autoRegister")(autoSer.Serialize(p+"auto", &reading))
		s["autoRegistered"] = toMeta(must[schemaregistry.SchemaMetadata]("GetLatestSchemaMetadata auto")(client.GetLatestSchemaMetadata(p + "auto-value")))

		idConf := avrov2.NewSerializerConfig()
		idConf.AutoRegisterSchemas = false
		idConf.UseSchemaID = s["registeredId"].(int)
		idSer := must[*avrov2.Serializer]("NewSerializer useSchemaID")(avrov2.NewSerializer(client, serde.ValueSerde, idConf))
		s["useSchemaId"] = must[[]byte]("Serialize useSchemaID")(idSer.Serialize(topic, &reading))
		s["versions"] = must[[]int]("GetAllVersions readings")(client.GetAllVersions(topic + "-value"))

		deser := must[*avrov2.Deserializer]("NewDeserializer")(avrov2.NewDeserializer(client, serde.ValueSerde, avrov2.NewDeserializerConfig()))
		var roundTrip Reading
		if err := deser.DeserializeInto(topic, s["latest"].([]byte), &roundTrip); err != nil {
			fail("DeserializeInto own bytes", err)
		}
		s["roundTrip"] = roundTrip
		var fromOurs Reading
		if err := deser.DeserializeInto(topic, in.Ours, &fromOurs); err != nil {
			fail("DeserializeInto Kafkit bytes", err)
		}
		s["fromOurs"] = fromOurs

		// Evolution: v1 bytes read as v2 with useLatestVersion (asks the registry for the writer's version).
		evolve := p + "evolve"
		v1ID := must[int]("Register evolve v1")(client.Register(evolve+"-value", avroInfo(userV1), false))
		v1Conf := avrov2.NewSerializerConfig()
		v1Conf.AutoRegisterSchemas = false
		v1Conf.UseSchemaID = v1ID
		v1Ser := must[*avrov2.Serializer]("NewSerializer v1")(avrov2.NewSerializer(client, serde.ValueSerde, v1Conf))
		v1Bytes := must[[]byte]("Serialize v1")(v1Ser.Serialize(evolve, &UserV1{ID: 42, Name: "Ada"}))
		v2ID := must[int]("Register evolve v2")(client.Register(evolve+"-value", avroInfo(userV2), false))
		latestDeserConf := avrov2.NewDeserializerConfig()
		latestDeserConf.UseLatestVersion = true
		latestDeser := must[*avrov2.Deserializer]("NewDeserializer useLatestVersion")(avrov2.NewDeserializer(client, serde.ValueSerde, latestDeserConf))
		var asV2 UserV2
		if err := latestDeser.DeserializeInto(evolve, v1Bytes, &asV2); err != nil {
			fail("DeserializeInto v1 bytes as v2", err)
		}
		s["evolve"] = map[string]any{"v1Id": v1ID, "v2Id": v2ID, "v1Bytes": v1Bytes, "asV2": asV2}
		out["serde"] = s
	}

	// Confluent 8 API of the 2026 client: GUIDs, metadata and rule sets, data-contract config, associations.
	{
		subject := p + "contract-value"
		md := &schemaregistry.Metadata{
			Properties: map[string]string{"owner": "go-team", "app.major": "1"},
			Tags:       map[string][]string{"User.name": {"PII"}},
			Sensitive:  []string{"name"},
		}
		rs := &schemaregistry.RuleSet{DomainRules: []schemaregistry.Rule{{
			Name: "positiveId", Kind: "CONDITION", Mode: "WRITE", Type: "CEL",
			Expr: "message.id > 0", Params: map[string]string{"b": "2", "a": "1"},
		}}}
		info := schemaregistry.SchemaInfo{Schema: userV1, SchemaType: "AVRO", Metadata: md, RuleSet: rs}
		g := map[string]any{}
		full := must[schemaregistry.SchemaMetadata]("RegisterFullResponse with metadata")(client.RegisterFullResponse(subject, info, false))
		g["registered"] = full
		// A second client has nothing cached, so every answer below comes from the server.
		fresh := must[schemaregistry.Client]("NewClient fresh")(schemaregistry.NewClient(conf))
		defer fresh.Close()
		g["byGuid"] = must[schemaregistry.SchemaInfo]("GetByGUID")(fresh.GetByGUID(full.GUID))
		g["byGuidMissing"] = restErr[schemaregistry.SchemaInfo]("GetByGUID missing")(fresh.GetByGUID("00000000-0000-0000-0000-000000000000"))
		g["lookup"] = must[schemaregistry.SchemaMetadata]("GetIDFullResponse with metadata")(fresh.GetIDFullResponse(subject, info, false))
		g["latest"] = must[schemaregistry.SchemaMetadata]("GetLatestSchemaMetadata contract")(fresh.GetLatestSchemaMetadata(subject))
		g["withMetadata"] = must[schemaregistry.SchemaMetadata]("GetLatestWithMetadata")(fresh.GetLatestWithMetadata(subject, map[string]string{"owner": "go-team"}, false))
		g["withMetadataMissing"] = restErr[schemaregistry.SchemaMetadata]("GetLatestWithMetadata missing")(fresh.GetLatestWithMetadata(subject, map[string]string{"owner": "nobody"}, false))
		plain := must[schemaregistry.SchemaMetadata]("RegisterFullResponse other subject plain")(client.RegisterFullResponse(p+"plain-value", avroInfo(userV1), false))
		g["plain"] = plain

		cfgSubject := p + "contract-cfg-value"
		must[schemaregistry.ServerConfig]("UpdateConfig contract")(client.UpdateConfig(cfgSubject, schemaregistry.ServerConfig{
			CompatibilityUpdate: schemaregistry.Backward,
			Normalize:           true,
			CompatibilityGroup:  "app.major",
			DefaultMetadata:     &schemaregistry.Metadata{Properties: map[string]string{"owner": "platform"}},
			OverrideRuleSet:     rs,
		}))
		cfg := must[schemaregistry.ServerConfig]("GetConfig contract")(client.GetConfig(cfgSubject, false))
		g["config"] = cfg
		g["configLevel"] = cfg.CompatibilityLevel.String()
		g["configRegistered"] = must[schemaregistry.SchemaMetadata]("RegisterFullResponse under contract config")(client.RegisterFullResponse(cfgSubject, avroInfo(userV1), false))

		topic := p + "bound"
		assoc := must[schemaregistry.AssociationResponse]("CreateAssociation")(client.CreateAssociation(schemaregistry.AssociationCreateOrUpdateRequest{
			ResourceName: topic, ResourceNamespace: "lkc-go", ResourceID: "id-" + topic, ResourceType: "topic",
			Associations: []schemaregistry.AssociationCreateOrUpdateInfo{{Subject: subject, AssociationType: "value", Lifecycle: schemaregistry.WEAK}},
		}))
		g["association"] = assoc
		g["associations"] = must[[]schemaregistry.Association]("GetAssociationsByResourceName")(fresh.GetAssociationsByResourceName(topic, "-", "topic", []string{"value"}, "", 0, -1))
		g["associationsNone"] = must[[]schemaregistry.Association]("GetAssociationsByResourceName none")(fresh.GetAssociationsByResourceName(p+"unbound", "-", "topic", []string{"value"}, "", 0, -1))
		if err := client.DeleteAssociations("id-"+topic, "topic", []string{"value"}, false); err != nil {
			fail("DeleteAssociations", err)
		}
		g["deleteAgain"] = restErr[any]("DeleteAssociations again")(nil, client.DeleteAssociations("id-"+topic, "topic", []string{"value"}, false))

		// The serializer with the GUID header form, read back by the deserializer through GET /schemas/guids.
		readingInfo := avroInfo(in.ReadingSchema)
		readingInfo.Metadata = &schemaregistry.Metadata{Properties: map[string]string{"owner": "go-team"}}
		gtopic := p + "guid-readings"
		gfull := must[schemaregistry.SchemaMetadata]("Register reading for GUID")(client.RegisterFullResponse(gtopic+"-value", readingInfo, false))
		headerConf := avrov2.NewSerializerConfig()
		headerConf.AutoRegisterSchemas = false
		headerConf.UseLatestVersion = true
		headerSer := must[*avrov2.Serializer]("NewSerializer header")(avrov2.NewSerializer(client, serde.ValueSerde, headerConf))
		headerSer.SchemaIDSerializer = serde.HeaderSchemaIDSerializer
		var reading Reading
		if err := json.Unmarshal(in.Reading, &reading); err != nil {
			fail("decoding reading", err)
		}
		headers, payload, err := headerSer.SerializeWithHeaders(gtopic, &reading)
		if err != nil {
			fail("SerializeWithHeaders", err)
		}
		hs := map[string][]byte{}
		for _, h := range headers {
			hs[h.Key] = h.Value
		}
		freshDeser := must[*avrov2.Deserializer]("NewDeserializer fresh")(avrov2.NewDeserializer(fresh, serde.ValueSerde, avrov2.NewDeserializerConfig()))
		var back Reading
		if err := freshDeser.DeserializeWithHeadersInto(gtopic, headers, payload, &back); err != nil {
			fail("DeserializeWithHeadersInto", err)
		}
		var fromOursGuid Reading
		if len(in.OursGuid) > 0 {
			if err := freshDeser.DeserializeInto(gtopic, in.OursGuid, &fromOursGuid); err != nil {
				fail("DeserializeInto Kafkit GUID bytes", err)
			}
		}
		g["serde"] = map[string]any{"guid": gfull.GUID, "headers": hs, "payload": payload, "roundTrip": back, "fromOursGuid": fromOursGuid}
		out["confluent8"] = g
	}

	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fail("writing results", err)
	}
}
