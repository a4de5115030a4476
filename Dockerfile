# No "# syntax=" line: it makes BuildKit pull a frontend image first, and nothing here needs it.

# ---- build: compile, test-free package, extract the layered jar (the build stays on JDK 17) ----
FROM eclipse-temurin:17-jdk AS build
WORKDIR /workspace
COPY mvnw pom.xml ./
COPY .mvn .mvn
# The image has no unzip: mvnw downloads Maven's .tar.gz and checks it against
# distributionSha256SumTarGz (.mvn/wrapper/maven-wrapper.properties).
RUN ./mvnw -B -ntp dependency:go-offline
COPY src src
# Extracted without Boot's launcher: a plain jar with lib/ beside it, whose classes the JDK's AOT
# cache can hold (it skips classes loaded by Boot's nested-jar class loader).
RUN ./mvnw -B -ntp -DskipTests package \
 && cp target/message-consumer-*.jar message-consumer.jar \
 && java -Djarmode=tools -jar message-consumer.jar extract --layers --destination /extracted

# ---- probe: the HEALTHCHECK's class, built apart from the sources so a source change leaves it cached ----
FROM eclipse-temurin:17-jdk AS probe
COPY docker/HealthProbe.java /probe/
RUN javac -d /probe /probe/HealthProbe.java

# ---- run: JRE 25 only, non-root, with an AOT cache of the start-up ----
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home app
WORKDIR /app
# Least-changing layers first, the probe among them, so a source change rebuilds only the last
# layer (application).
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=probe /probe/HealthProbe.class /app/probe/
COPY --from=build /extracted/application/ ./
# The AOT cache (JEP 483, 514, 515): a training run records the classes loaded and linked and the
# method profiles of the start-up, and the service maps them in at every start (ready in about half
# the time: BENCHMARKS.md, Start-up). There is no Redis in a build, so the training run stops once the
# context is refreshed (-Dspring.context.exit=onRefresh), before anything connects; its JVM flags are
# the ENTRYPOINT's, and the cache is only valid for this JVM and this class path, so it is made here,
# in the run image, after the application layer: a source change retrains it (about 90 MB).
RUN java -XX:AOTCacheOutput=app.aot -XX:MaxRAMPercentage=50 -XX:-UsePerfData -Djava.io.tmpdir=/tmp \
    -Dspring.context.exit=onRefresh -jar message-consumer.jar --spring.data.redis.url=redis://127.0.0.1:1 \
 && rm -rf /tmp/*
USER 10001
EXPOSE 8080
# Docker's health is the service's READINESS (HealthProbe asks /actuator/health/readiness), not
# its liveness: Docker has one health state, and what reads it is `depends_on: condition:
# service_healthy` and `docker compose up --wait`, which mean "ready to receive". Liveness is UP
# as soon as Tomcat answers, seconds before the consumer subscribes, and a message published then
# is lost. Plain Docker and Compose never restart an unhealthy container, so "unhealthy" while
# Redis is away is a true report, not a restart loop (Swarm does replace unhealthy tasks: there,
# override with --health-cmd and the liveness URL as HealthProbe's argument). Kubernetes ignores
# HEALTHCHECK and probes /actuator/health/liveness and /readiness itself.
# Docker Engine 20.10 has no --start-interval: a short interval makes `healthy` follow readiness
# within one interval plus the probe's own run; failures during the start period do not count,
# the first success ends it. Measured on 2 busy shared cores: a probe takes 1.1 to 2.2 s (up to
# 3.9 s while the service starts, hence a 5 s timeout), readiness -> healthy 1.5 to 4.2 s.
# The JVM flags are on the command lines, not in JAVA_TOOL_OPTIONS, which every JVM echoes
# ("Picked up JAVA_TOOL_OPTIONS") into the log and into Docker's health log at every probe.
# Read-only root filesystem and a tmpfs /tmp (docker-compose.yml): Tomcat's base and docbase
# directories go under java.io.tmpdir, and -XX:-UsePerfData keeps the JVM from writing
# /tmp/hsperfdata_* (jstat and jps do not see it; jcmd still works). The probe is a short-lived
# JVM: C1 only, a 16 MB heap, the image's class-data archive.
# ReadOnlyFilesystemIntegrationTests starts the service and the probe with the flags of these
# ENTRYPOINT and HEALTHCHECK lines as a non-root user in a read-only working directory.
HEALTHCHECK --interval=4s --timeout=5s --start-period=60s --retries=3 \
  CMD ["java", "-XX:-UsePerfData", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx16m", "-cp", "/app/probe", "HealthProbe"]
# Half the container's memory for the heap: with -Xmx256m the service stayed under 370 MiB RSS in
# the benchmark, so a 512 MiB limit leaves room for metaspace, threads and Netty's buffers.
# A missing or stale cache (another JVM, another class path) is a warning, not a failure: the service
# then starts as without it.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:-UsePerfData", "-Djava.io.tmpdir=/tmp", "-XX:AOTCache=app.aot", "-jar", "message-consumer.jar"]
