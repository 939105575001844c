# syntax=docker/dockerfile:1.7
# Clipline inference worker, CPU build (ONNX Runtime's CPU artifact).
# Build from the repository root:
#   docker build -f deploy/docker/worker-cpu.Dockerfile -t clipline/worker-cpu:0.1.0 .
# Runs `clipline worker` as user 10001; settings from /etc/clipline/worker.properties, model
# folders under /models (mount them read-only), metrics and probes on port 9400.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The launcher bundles the worker; its runtime classpath is copied next to its jar.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl src/launcher -am package \
 && mvn -B -q -pl src/launcher dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory=/opt/clipline/lib \
 && cp src/launcher/target/clipline-launcher-*.jar /opt/clipline/lib/

FROM eclipse-temurin:17-jre-jammy
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/clipline --create-home clipline
COPY --from=build /opt/clipline/lib /opt/clipline/lib
COPY deploy/compose/config/worker.properties /etc/clipline/worker.properties
USER 10001
WORKDIR /var/lib/clipline
# Native memory (ONNX Runtime, OpenCV) lives outside the heap: leave it half the container.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
EXPOSE 9400
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:9400/health/live || exit 1
ENTRYPOINT ["java", "-cp", "/opt/clipline/lib/*", "io.clipline.launcher.Clipline", "worker", \
            "--config", "/etc/clipline/worker.properties"]
