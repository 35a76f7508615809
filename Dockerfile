# The gateway image (also runs the demo model server: see helm/model-gateway/templates/model-server.yaml).
# Build the jars first:  ./mvnw -B package -DskipTests -pl gateway -am
# Then:                  docker build -t model-gateway:0.1.0 .
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 gateway && useradd --system --uid 10001 --gid gateway --no-create-home gateway
WORKDIR /app
# Dependencies first: they change less often than the application, so this layer caches well.
COPY gateway/target/lib/ /app/lib/
COPY gateway/target/gateway.jar /app/gateway.jar
USER 10001:10001
EXPOSE 8080 9090
# The root file system may be read-only (the chart mounts an emptyDir at /tmp for native libraries).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
ENTRYPOINT ["java", "-jar", "/app/gateway.jar"]
