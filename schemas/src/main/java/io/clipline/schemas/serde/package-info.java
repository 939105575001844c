/** Kafka serdes for Clipline's Avro records, in Avro single-object encoding. */
package io.clipline.schemas.serde;
