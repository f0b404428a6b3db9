package testkit

// TopicConfigCase is one `kctl topic config set` on an existing topic and
// the INVALID_CONFIG message Apache Kafka answers ("" when Kafka accepts
// it). The messages were taken from Kafka 4.4.0; TestTopicConfigsLikeKafka
// (pkg/realkafka/e2e) checks them against a real broker and
// TestSandboxValidatesTopicConfigs (pkg/sandbox) against the sandbox, so
// the sandbox answers like Kafka.
type TopicConfigCase struct {
	Set []string // KEY=VALUE arguments of one request
	Err string
}

// TopicConfigCases are the cases both suites run, in this order, on one
// fresh topic (min.compaction.lag.ms is never set: Kafka checks it against
// max.compaction.lag.ms, a cross-config check the sandbox does not make).
var TopicConfigCases = []TopicConfigCase{
	{[]string{"retention.bogus=1"}, "Unknown topic config name: retention.bogus"},
	{[]string{"retention.ms=abc"}, "Invalid value abc for configuration retention.ms: Not a number of type LONG"},
	{[]string{"retention.ms=-5"}, "Invalid value -5 for configuration retention.ms: Value must be at least -1"},
	{[]string{"retention.ms=99999999999999999999"}, "Invalid value 99999999999999999999 for configuration retention.ms: Not a number of type LONG"},
	{[]string{"retention.bytes=x"}, "Invalid value x for configuration retention.bytes: Not a number of type LONG"},
	{[]string{"segment.bytes=100"}, "Invalid value 100 for configuration segment.bytes: Value must be at least 1048576"},
	{[]string{"segment.bytes=2147483648"}, "Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT"},
	{[]string{"max.decompressed.message.bytes=2147483647"}, "Invalid value 2147483647 for configuration max.decompressed.message.bytes: Value must be no more than 2147483639"},
	{[]string{"cleanup.policy=bogus"}, "Invalid value bogus for configuration cleanup.policy: String must be one of: compact, delete"},
	{[]string{"cleanup.policy=compact,bogus"}, "Invalid value bogus for configuration cleanup.policy: String must be one of: compact, delete"},
	{[]string{"compression.type=ZSTD"}, "Invalid value ZSTD for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"},
	{[]string{"message.timestamp.type=createtime"}, "Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime"},
	{[]string{"compression.gzip.level=0"}, "Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1"},
	{[]string{"compression.gzip.level=10"}, "Invalid value 10 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1"},
	{[]string{"min.cleanable.dirty.ratio=2"}, "Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"},
	{[]string{"min.cleanable.dirty.ratio=-0.5"}, "Invalid value -0.5 for configuration min.cleanable.dirty.ratio: Value must be at least 0"},
	{[]string{"min.cleanable.dirty.ratio=1e10"}, "Invalid value 1.0E10 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"},
	{[]string{"min.cleanable.dirty.ratio=x"}, "Invalid value x for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE"},
	{[]string{"preallocate=yes"}, "Invalid value yes for configuration preallocate: Expected value to be either true or false"},
	{[]string{"unclean.leader.election.enable=1"}, "Invalid value 1 for configuration unclean.leader.election.enable: Expected value to be either true or false"},
	{[]string{"leader.replication.throttled.replicas=0:1,1:x"}, "Invalid value [0:1, 1:x] for configuration leader.replication.throttled.replicas: leader.replication.throttled.replicas must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],..."},
	{[]string{"remote.storage.enable=true"}, "Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage."},
	// Names are checked before values; values in LogConfig's order
	// (segment.bytes is defined before retention.ms).
	{[]string{"bogus.a=1", "retention.ms=x"}, "Unknown topic config name: bogus.a"},
	{[]string{"retention.ms=x", "segment.bytes=y"}, "Invalid value y for configuration segment.bytes: Not a number of type INT"},
	// Accepted.
	{[]string{"cleanup.policy=compact,delete"}, ""},
	{[]string{"cleanup.policy="}, ""},
	{[]string{"compression.gzip.level=-1"}, ""},
	{[]string{"leader.replication.throttled.replicas=*"}, ""},
	{[]string{"follower.replication.throttled.replicas=0:1,1:2"}, ""},
	{[]string{"min.cleanable.dirty.ratio=0.25"}, ""},
	{[]string{"unclean.leader.election.enable=TRUE"}, ""},
	{[]string{"local.retention.ms=5"}, ""},
	{[]string{"retention.ms=604800000", "segment.bytes=1048576"}, ""},
}

// BrokerConfigCase is one `kctl broker config set` on a broker (or, with
// Default, the cluster-wide default) and the INVALID_REQUEST message
// Apache Kafka 4.4.0 answers ("" when Kafka accepts it; the tests delete
// accepted keys again). Checked on real Kafka by TestBrokerConfigsLikeKafka
// and on the sandbox by TestSandboxValidatesBrokerConfigs.
type BrokerConfigCase struct {
	Default bool
	Set     []string
	Err     string
}

// BrokerConfigCases are the cases both suites run.
var BrokerConfigCases = []BrokerConfigCase{
	{false, []string{"broker.id=5"}, "Cannot update these configs dynamically: [broker.id]"},
	{false, []string{"auto.create.topics.enable=false"}, "Cannot update these configs dynamically: [auto.create.topics.enable]"},
	{false, []string{"num.io.threads=0"}, "Invalid value 0 for configuration num.io.threads: Value must be at least 1"},
	{false, []string{"num.io.threads=abc"}, "Invalid value abc for configuration num.io.threads: Not a number of type INT"},
	{false, []string{"message.max.bytes=abc"}, "Invalid value abc for configuration message.max.bytes: Not a number of type INT"},
	{false, []string{"log.cleanup.policy=bogus"}, "Invalid value bogus for configuration log.cleanup.policy: String must be one of: compact, delete"},
	{false, []string{"compression.type=bogus"}, "Invalid value bogus for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"},
	{false, []string{"log.segment.bytes=5"}, "Invalid value 5 for configuration log.segment.bytes: Value must be at least 1048576"},
	{false, []string{"min.insync.replicas=0"}, "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"},
	{false, []string{"log.flush.interval.ms=abc"}, "Invalid value abc for configuration log.flush.interval.ms: Not a number of type LONG"},
	{false, []string{"ssl.keystore.location=/tmp/x.jks"}, "These security configs can be dynamically updated only per-listener using the listener prefix: [ssl.keystore.location]"},
	{true, []string{"log.retention.ms=abc"}, "Invalid value abc for configuration log.retention.ms: Not a number of type LONG"},
	{true, []string{"min.insync.replicas=0"}, "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"},
	{true, []string{"ssl.client.auth=required"}, "Cannot update these configs at default cluster level, broker id must be specified: [ssl.client.auth]"},
	// Accepted: names Kafka does not know (custom configs), values without
	// a validator.
	{false, []string{"bogus.x=abc"}, ""},
	{false, []string{"log.retention.ms=-5"}, ""},
	{false, []string{"log.cleaner.backoff.ms=20000"}, ""},
	{true, []string{"log.retention.ms=604800000"}, ""},
}
