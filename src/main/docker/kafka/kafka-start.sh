#!/bin/sh
# Starts a single-node KRaft broker. The listeners bind to KAFKA_HOST (the tests run it with host
# networking on 127.0.0.1), on KAFKA_PORT for clients and KAFKA_CONTROLLER_PORT for the controller.
set -eu
host=${KAFKA_HOST:-127.0.0.1}
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
partitions=${KAFKA_NUM_PARTITIONS:-8}
data=/var/lib/kafka/data
config=/tmp/server.properties

cat >"$config" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${host}:${controller_port}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controller_port}
advertised.listeners=PLAINTEXT://${host}:${port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${data}
num.partitions=${partitions}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.coordinator.append.linger.ms=0
group.consumer.min.heartbeat.interval.ms=500
group.consumer.heartbeat.interval.ms=500
PROPERTIES

classpath='/opt/kafka/libs/*'
logging="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info"
if [ ! -f "$data/meta.properties" ]; then
  # a fixed cluster id: every container is a new single-node cluster anyway
  java $logging -cp "$classpath" kafka.tools.StorageTool format -t taskpipe-ctr-kafka-01A -c "$config" >/dev/null
fi
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} $logging -cp "$classpath" kafka.Kafka "$config"
