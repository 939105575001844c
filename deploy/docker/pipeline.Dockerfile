# syntax=docker/dockerfile:1.7
# Clipline pipeline (Kafka Streams: item fusion, rejects, line stats, alerts).
# Build from the repository root:
#   docker build -f deploy/docker/pipeline.Dockerfile -t clipline/pipeline:0.1.0 .
# State stores live in /var/lib/clipline/state (a volume: compose volume, StatefulSet PVC).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl src/launcher -am package \
 && mvn -B -q -pl src/launcher dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory=/opt/clipline/lib \
 && cp src/launcher/target/clipline-launcher-*.jar /opt/clipline/lib/

FROM eclipse-temurin:17-jre-jammy
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/clipline --create-home clipline \
 && mkdir -p /var/lib/clipline/state && chown 10001 /var/lib/clipline/state
COPY --from=build /opt/clipline/lib /opt/clipline/lib
COPY deploy/compose/config/pipeline.properties /etc/clipline/pipeline.properties
COPY deploy/compose/config/line.json /etc/clipline/line.json
USER 10001
WORKDIR /var/lib/clipline
VOLUME /var/lib/clipline/state
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
EXPOSE 9401
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:9401/health/live || exit 1
ENTRYPOINT ["java", "-cp", "/opt/clipline/lib/*", "io.clipline.launcher.Clipline", "pipeline", \
            "--config", "/etc/clipline/pipeline.properties"]
