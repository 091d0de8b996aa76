/**
 * The ports well-known images listen on, for compose services that declare none: compose needs no
 * declared port for `db:5432` to work, Kubernetes needs one for a Service. Keyed by the image's
 * repository name without registry, tag or digest; a match on the last path segment is tried too
 * (bitnami/redis, docker.io/library/redis, ghcr.io/x/redis), except where the full name differs.
 */
const KNOWN_IMAGE_PORTS: Readonly<Record<string, ReadonlyArray<number | `${number}/udp`>>> = {
  postgres: [5432],
  postgresql: [5432],
  "postgis/postgis": [5432],
  "timescale/timescaledb": [5432],
  "pgvector/pgvector": [5432],
  mysql: [3306],
  mariadb: [3306],
  percona: [3306],
  redis: [6379],
  valkey: [6379],
  "redis/redis-stack-server": [6379],
  keydb: [6379],
  dragonfly: [6379],
  mongo: [27017],
  mongodb: [27017],
  "mongo-express": [8081],
  rabbitmq: [5672, 15672],
  elasticsearch: [9200, 9300],
  opensearch: [9200, 9600],
  kibana: [5601],
  logstash: [5044, 9600],
  memcached: [11211],
  kafka: [9092],
  "cp-kafka": [9092],
  zookeeper: [2181],
  "cp-zookeeper": [2181],
  nats: [4222, 8222],
  minio: [9000, 9001],
  "clickhouse-server": [8123, 9000],
  cassandra: [9042],
  couchdb: [5984],
  neo4j: [7474, 7687],
  influxdb: [8086],
  etcd: [2379],
  consul: [8500],
  vault: [8200],
  prometheus: [9090],
  alertmanager: [9093],
  "node-exporter": [9100],
  cadvisor: [8080],
  grafana: [3000],
  loki: [3100],
  jaeger: [16686, 4317, 4318],
  "all-in-one": [16686, 4317, 4318],
  "opentelemetry-collector": [4317, 4318],
  "opentelemetry-collector-contrib": [4317, 4318],
  mailpit: [1025, 8025],
  mailhog: [1025, 8025],
  nginx: [80],
  httpd: [80],
  traefik: [80],
  "traefik/whoami": [80],
  caddy: [80, 443],
  adminer: [8080],
  wordpress: [80],
  ghost: [2368],
  keycloak: [8080],
  sonarqube: [9000],
  "azure-storage/azurite": [10000, 10001, 10002],
  localstack: [4566],
  "localstack/localstack": [4566],
  coredns: [53, "53/udp"],
  "statsd/statsd": ["8125/udp", 8126],
};

/** "docker.io/library/postgres:16-alpine@sha256:…" → "library/postgres" and "postgres". */
function repositoryNames(image: string): string[] {
  const withoutDigest = image.split("@")[0]!;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  const repo = (colon === -1 ? withoutDigest : withoutDigest.slice(0, colon)).toLowerCase();
  const parts = repo.split("/");
  // A first segment with a dot or a port is a registry host.
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  const path = parts.join("/").replace(/^library\//, "");
  return [path, parts.slice(-2).join("/"), parts[parts.length - 1]!];
}

/** The ports a well-known image listens on, or undefined when the image is not in the table. */
export function knownImagePorts(image: string): Array<{ port: number; protocol: "TCP" | "UDP" }> | undefined {
  for (const name of repositoryNames(image)) {
    const ports = KNOWN_IMAGE_PORTS[name];
    if (ports) return ports.map((p) => (typeof p === "number" ? { port: p, protocol: "TCP" } : { port: Number.parseInt(p, 10), protocol: "UDP" }));
  }
  return undefined;
}
