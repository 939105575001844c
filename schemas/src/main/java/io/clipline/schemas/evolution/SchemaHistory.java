package io.clipline.schemas.evolution;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The released versions of each Clipline record schema, kept in the module as resources.
 *
 * <p>Version {@code N} of record {@code R} lives at {@code
 * /io/clipline/schemas/history/R/vN.avsc} as a self-contained schema (every named type inlined),
 * numbered from 1 without gaps. When a schema change is released, its resolved form is added as
 * the next version; {@code SchemaEvolutionTest} then proves the current schema and every kept
 * version can read each other's data.
 */
public final class SchemaHistory {
  private static final String ROOT = "/io/clipline/schemas/history/";

  private SchemaHistory() {}

  /** Released versions of {@code recordName}, oldest first; empty when none was released. */
  public static List<Schema> releasedVersions(String recordName) {
    List<Schema> versions = new ArrayList<>();
    for (int version = 1; ; version++) {
      String resource = ROOT + recordName + "/v" + version + ".avsc";
      try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
        if (in == null) {
          return versions;
        }
        versions.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema history " + resource, e);
      }
    }
  }
}
