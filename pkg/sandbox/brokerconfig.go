package sandbox

import (
	"sort"
	"strings"
)

// Broker config validation as Apache Kafka 4.4 does it for
// IncrementalAlterConfigs/AlterConfigs on a broker or the cluster default
// (DynamicBrokerConfig.validateConfigs, then the types and validators of
// KafkaConfig's ConfigDef). kfake accepts `num.io.threads=abc` and
// `broker.id=5`; Kafka refuses both with INVALID_REQUEST. Names Kafka does
// not know are accepted, as Kafka accepts them (custom configs for
// plugins). brokerconfig_table.go was generated from Kafka 4.4.0's jars
// (testdata/DumpBrokerConfigs.java): KafkaConfig.configDef() (name, type,
// validator) and DynamicBrokerConfig.ALL_DYNAMIC_CONFIGS and
// perBrokerConfigs; DYNAMIC_SECURITY_CONFIGS is copied below.

// brokerConfig is a dynamic broker config key.
type brokerConfig struct {
	configKey
	perBroker bool // no cluster-wide default
}

// dynamicSecurityConfigs may be changed only with a listener prefix.
var dynamicSecurityConfigs = map[string]bool{
	"ssl.truststore.password": true, "ssl.truststore.certificates": true, "ssl.truststore.location": true,
	"ssl.keystore.location": true, "ssl.truststore.type": true, "ssl.keystore.key": true, "ssl.key.password": true,
	"ssl.keystore.type": true, "ssl.keystore.certificate.chain": true, "ssl.keystore.password": true,
}

// validateBrokerConfigs returns Kafka's message for the configs set on a
// broker (or, clusterDefault, the cluster-wide default), "" when Kafka
// would accept them.
func validateBrokerConfigs(clusterDefault bool, names []string, values []*string) string {
	var static, security, perBroker []string
	byName := map[string]*string{}
	for i, n := range names {
		if values[i] == nil {
			continue
		}
		byName[n] = values[i]
		switch {
		case staticBrokerConfigs[n]:
			static = append(static, n)
		case dynamicSecurityConfigs[n]:
			security = append(security, n)
		}
		if clusterDefault && isPerBroker(n) {
			perBroker = append(perBroker, n)
		}
	}
	for _, c := range []struct {
		names []string
		msg   string
	}{
		{static, "Cannot update these configs dynamically"},
		{security, "These security configs can be dynamically updated only per-listener using the listener prefix"},
		{perBroker, "Cannot update these configs at default cluster level, broker id must be specified"},
	} {
		if len(c.names) > 0 {
			sort.Strings(c.names) // Kafka prints a Java set; one name is the usual case
			return c.msg + ": [" + strings.Join(c.names, ", ") + "]"
		}
	}
	keys := make([]configKey, len(dynamicBrokerConfigs))
	for i, b := range dynamicBrokerConfigs {
		keys[i] = b.configKey
	}
	return validateValues(keys, byName)
}

func isPerBroker(n string) bool {
	for _, b := range dynamicBrokerConfigs {
		if b.name == n {
			return b.perBroker
		}
	}
	return false
}
