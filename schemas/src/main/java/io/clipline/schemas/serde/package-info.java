/**
 * Kafka serdes for Clipline's Avro records, in Avro single-object encoding or the schema
 * registry's wire format ({@link io.clipline.schemas.serde.SerdeSettings}).
 */
package io.clipline.schemas.serde;
