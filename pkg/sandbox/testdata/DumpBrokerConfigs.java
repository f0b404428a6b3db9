// Dumps KafkaConfig's ConfigDef for pkg/sandbox/brokerconfig_table.go (and, with
// LogConfig.configDefCopy(), topicconfig.go's table):
//   javac -cp 'pkg/realkafka/lib/4.4.0/*' -d /tmp DumpBrokerConfigs.java
//   java -cp 'pkg/realkafka/lib/4.4.0/*:/tmp' DumpBrokerConfigs
// prints name, type, dynamic[,perbroker] or static, validator class and text.
import org.apache.kafka.common.config.ConfigDef;
import java.util.*;
public class DumpBrokerConfigs {
  public static void main(String[] a) throws Exception {
    ConfigDef d = kafka.server.KafkaConfig$.MODULE$.configDef();
    Set<String> dyn = org.apache.kafka.server.config.DynamicBrokerConfig.ALL_DYNAMIC_CONFIGS;
    Properties all = new Properties();
    for (String k : d.configKeys().keySet()) all.put(k, "x");
    Set<String> per = org.apache.kafka.server.config.DynamicBrokerConfig.perBrokerConfigs(all);
    for (ConfigDef.ConfigKey k : d.configKeys().values()) {
      System.out.println(k.name + "\t" + k.type + "\t" + (dyn.contains(k.name) ? "dynamic" : "static") + (per.contains(k.name) ? ",perbroker" : "") + "\t" + (k.validator == null ? "" : k.validator.getClass().getSimpleName() + "\t" + k.validator));
    }
  }
}
