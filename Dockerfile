# Pulse's JVM images, one target each, all from one build of the repository:
#   docker build --target serving-api -t pulse/serving-api .
#   docker build --target flink-jobs  -t pulse/flink-jobs .    (the rollup job in the official Flink image)
#   docker build --target generator   -t pulse/generator .     (the devstack's synthetic traffic alone)
# The dashboard's image is built from dashboard/Dockerfile (docker build -f dashboard/Dockerfile .).

FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY contracts contracts
COPY flink-jobs flink-jobs
COPY serving-api serving-api
COPY devstack devstack
# the dashboard has its own image (dashboard/Dockerfile) and delivery holds only tests of the Helm chart;
# only their poms are needed for the reactor
COPY dashboard/pom.xml dashboard/pom.xml
COPY delivery/pom.xml delivery/pom.xml
RUN mvn -B -ntp -q package -pl '!dashboard,!delivery' -Dmaven.test.skip=true -Djacoco.skip=true \
 && mvn -B -ntp -q -pl serving-api,devstack dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib

FROM eclipse-temurin:17.0.15_6-jre AS serving-api
RUN useradd --system --uid 10001 --home-dir /app pulse
WORKDIR /app
COPY --from=build /src/serving-api/target/lib/ lib/
COPY --from=build /src/serving-api/target/serving-api-0.1.0-SNAPSHOT.jar serving-api.jar
USER 10001
EXPOSE 8080
# /health answers UP or DOWN without credentials; bash's /dev/tcp, as the JRE image has no HTTP client
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /health HTTP/1.0\r\n\r\n" >&3 && grep -q "\"UP\"" <&3'
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "serving-api.jar:lib/*", "io.pulse.serving.Application"]

# application mode: the Flink Kubernetes Operator and docker-compose's jobmanager run the job from usrlib
FROM flink:1.20.3-scala_2.12-java17 AS flink-jobs
COPY --from=build --chown=flink:flink /src/flink-jobs/target/flink-jobs-0.1.0-SNAPSHOT-job.jar /opt/flink/usrlib/pulse-rollups.jar
USER flink

FROM eclipse-temurin:17.0.15_6-jre AS generator
RUN useradd --system --uid 10001 --home-dir /app pulse
WORKDIR /app
COPY --from=build /src/devstack/target/lib/ lib/
COPY --from=build /src/devstack/target/devstack-0.1.0-SNAPSHOT.jar devstack.jar
USER 10001
ENTRYPOINT ["java", "-cp", "devstack.jar:lib/*", "io.pulse.devstack.traffic.DemoTraffic"]
