#!/bin/bash
# Creates Clipline's topics with the partition counts, cleanup policies, retention and message
# sizes of the README's topic table (TopicCatalog). Idempotent: existing topics are left alone.
set -euo pipefail
bootstrap="${BOOTSTRAP_SERVERS:-kafka:9092}"
rf="${REPLICATION_FACTOR:-1}"
topics=/opt/kafka/bin/kafka-topics.sh
hour=3600000; day=$((24 * hour)); mib=1048576

create() { # name partitions cleanup retention.ms max.message.bytes
  "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$1" \
    --partitions "$2" --replication-factor "$rf" \
    --config cleanup.policy="$3" --config retention.ms="$4" --config max.message.bytes="$5"
}

create clipline.frames.v1       12 delete  $((6 * hour))  $((8 * mib))
create clipline.verdicts.v1     12 delete  $((7 * day))   $mib
create clipline.defects.v1      12 delete  $((7 * day))   $mib
create clipline.items.v1        12 delete  $((30 * day))  $mib
create clipline.rejects.v1       6 delete  $((7 * day))   $mib
create clipline.line-stats.v1    3 delete  $((30 * day))  $mib
create clipline.alerts.v1        3 delete  $((30 * day))  $mib
create clipline.labels.v1       12 delete  $((90 * day))  $mib
create clipline.scorer-state.v1 12 compact -1             $((8 * mib))
create clipline.frames.dlq.v1    3 delete  $((14 * day))  $((9 * mib))
"$topics" --bootstrap-server "$bootstrap" --list
