# syntax=docker/dockerfile:1.7
# Clipline inference worker, GPU build: ONNX Runtime 1.29's CUDA 12 artifact (`mvn -Pgpu`) on
# NVIDIA's CUDA 12 + cuDNN 9 runtime, which that build needs. The host needs the NVIDIA driver
# and the NVIDIA container toolkit (compose: GPU reservation; Kubernetes: nvidia.com/gpu).
# Build from the repository root:
#   docker build -f deploy/docker/worker-gpu.Dockerfile -t clipline/worker-gpu:0.1.0 .

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -Pgpu -DskipTests -pl src/launcher -am package \
 && mvn -B -q -Pgpu -pl src/launcher dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory=/opt/clipline/lib \
 && cp src/launcher/target/clipline-launcher-*.jar /opt/clipline/lib/

FROM eclipse-temurin:17-jre-jammy AS jre

FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/clipline --create-home clipline
# Only the JRE of the Temurin image: no second CUDA-less base, no distribution JDK.
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
COPY --from=build /opt/clipline/lib /opt/clipline/lib
COPY deploy/compose/config/worker.properties /etc/clipline/worker.properties
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:$PATH \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError" \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
USER 10001
WORKDIR /var/lib/clipline
EXPOSE 9400
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
  CMD curl -fsS http://127.0.0.1:9400/health/live || exit 1
ENTRYPOINT ["java", "-cp", "/opt/clipline/lib/*", "io.clipline.launcher.Clipline", "worker", \
            "--config", "/etc/clipline/worker.properties", "--set", "require.gpu=true"]
