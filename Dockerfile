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
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
HEALTHCHECK --interval=15s --timeout=5s --start-period=40s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-cp", "/app/probe", "HealthProbe"]
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
