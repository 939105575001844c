/** A local single-node Kafka broker (KRaft) and the creation of Clipline's topics on a cluster. */
package io.clipline.broker;
