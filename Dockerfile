# syntax=docker/dockerfile:1

# ---- build: compile, test-free package, extract the layered jar ----
FROM eclipse-temurin:17-jdk AS build
WORKDIR /workspace
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -DskipTests package \
 && java -Djarmode=tools -jar target/message-consumer-*.jar extract --layers --launcher --destination /extracted
COPY docker/HealthProbe.java /probe/
RUN javac -d /probe /probe/HealthProbe.java

# ---- run: JRE only, non-root ----
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home app
WORKDIR /app
# Least-changing layers first, so a code change rebuilds only the last layer.
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
COPY --from=build /probe/HealthProbe.class /app/probe/
USER 10001
EXPOSE 8080
# Runs with a read-only root filesystem and a tmpfs /tmp (docker-compose.yml): Tomcat's base and
# docbase directories go under java.io.tmpdir, and -XX:-UsePerfData keeps the JVM from writing
# /tmp/hsperfdata_* (jstat and jps do not see it; jcmd still works). Both JVMs, the service's and
# the health probe's, take these options. ReadOnlyFilesystemIntegrationTests starts the service
# with this very line as a non-root user in a read-only working directory.
# Half the container's memory for the heap: with -Xmx256m the service stayed under 370 MiB RSS in
# the benchmark, so a 512 MiB limit leaves room for metaspace, threads and Netty's buffers.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:-UsePerfData -Djava.io.tmpdir=/tmp"
HEALTHCHECK --interval=15s --timeout=5s --start-period=40s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-Xmx16m", "-cp", "/app/probe", "HealthProbe"]
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
