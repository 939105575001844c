package io.clipline.schemas.serde;

import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.RegistryClientFactory;
import io.apicurio.registry.rest.v2.beans.IfExists;
import io.apicurio.registry.rest.v2.beans.Rule;
import io.apicurio.registry.types.RuleType;
import io.apicurio.rest.client.auth.BasicAuth;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Prepares the schema registry for the topics a Clipline process writes: registers the current
 * schema of each topic's value type under its TopicNameStrategy subject ({@code <topic>-value})
 * and sets the subject's compatibility to BACKWARD when it has no compatibility rule yet.
 *
 * <p>A producer calls {@link #register} at start-up, before it writes, so a schema change the
 * registry refuses (not BACKWARD compatible with the subject's latest version) stops start-up
 * with a {@link SchemaRegistryException} naming the subject and saying why, instead of failing
 * record by record later. The registry checks the rule, not Clipline.
 */
public final class SchemaRegistration {
  /** Group Apicurio files subjects under when a client names none (as the ccompat API does). */
  static final String GROUP = "default";
  private static final String USERNAME = "apicurio.auth.username";
  private static final String PASSWORD = "apicurio.auth.password";

  private SchemaRegistration() {}

  /** The subject of {@code topic}'s values under TopicNameStrategy. */
  public static String subject(String topic) {
    return topic + "-value";
  }

  /**
   * Registers each topic's value schema and sets BACKWARD compatibility on subjects without a
   * compatibility rule; does nothing for the single-object format.
   *
   * @param topics topic name to the generated record class its values hold
   * @throws SchemaRegistryException when the registry refuses a schema or does not answer
   */
  public static void register(
      SerdeSettings settings, Map<String, Class<? extends SpecificRecord>> topics) {
    if (settings.format() != SerdeFormat.REGISTRY) {
      return;
    }
    String url = settings.registryUrl().orElseThrow();
    try (RegistryClient client = client(settings)) {
      for (Map.Entry<String, Class<? extends SpecificRecord>> topic : topics.entrySet()) {
        register(client, url, subject(topic.getKey()), SpecificData.get().getSchema(topic.getValue()));
      }
    } catch (java.io.IOException e) {
      throw new SchemaRegistryException("closing the registry client failed: " + e.getMessage(), e);
    }
  }

  private static void register(RegistryClient client, String url, String subject, Schema schema) {
    try {
      client.createArtifact(GROUP, subject, null, "AVRO", IfExists.RETURN_OR_UPDATE, true,
          new ByteArrayInputStream(schema.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (RuntimeException e) {
      throw new SchemaRegistryException("the schema registry at " + url + " refused the "
          + schema.getName() + " schema for subject " + subject + ": " + e.getMessage(), e);
    }
    try {
      if (!client.listArtifactRules(GROUP, subject).contains(RuleType.COMPATIBILITY)) {
        client.createArtifactRule(GROUP, subject, new Rule("BACKWARD", RuleType.COMPATIBILITY));
      }
    } catch (RuntimeException e) {
      throw new SchemaRegistryException("the schema registry at " + url
          + " did not set BACKWARD compatibility on subject " + subject + ": " + e.getMessage(), e);
    }
  }

  private static RegistryClient client(SerdeSettings settings) {
    Map<String, Object> config = new HashMap<>(RegistrySerde.clientConfig(settings));
    String url = settings.registryUrl().orElseThrow() + RegistrySerde.CORE_API_PATH;
    Object user = config.get(USERNAME);
    if (user != null) {
      return RegistryClientFactory.create(url, config,
          new BasicAuth(String.valueOf(user), String.valueOf(config.getOrDefault(PASSWORD, ""))));
    }
    return RegistryClientFactory.create(url, config);
  }
}
