/** The catalog of Clipline topics: names, partitioning, retention and record types. */
package io.clipline.schemas.topic;
