# syntax=docker/dockerfile:1
# One image for every quiver process; the command picks the role:
#
#   docker build -t quiver .
#   docker run quiver proxy       # stateless HTTP proxy (Milvus REST v2 on port 19530)
#   docker run quiver indexer     # member of the indexer group (HTTP /healthz, /metrics on 19531)
#   docker run quiver standalone  # everything in one process, embedded backends under /var/lib/quiver
#
# quiver runs its TypeScript sources with tsx: there is no build step, only npm dependencies to
# install. The build stage has the compilers; the runtime stage has only the shared libraries the
# native addons link against.

ARG NODE_VERSION=20
ARG DEBIAN_RELEASE=bookworm

FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS deps
# A C/C++ toolchain for native addons that build from source, and the development files of the
# libraries the Kafka client's librdkafka links against (as scripts/install.sh does on a host).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential python3 pkg-config ca-certificates \
      libssl-dev libsasl2-dev zlib1g-dev libzstd-dev liblz4-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# CKJS_LINKING=dynamic builds librdkafka against the system libraries above instead of
# downloading its own copies. Dev dependencies (type checker, linters, test clients) stay out.
ENV CKJS_LINKING=dynamic
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund
# The Kafka client is an optional dependency, so npm would skip it silently if its build failed;
# the cluster roles cannot run without it, so the image build fails here instead.
RUN node -e "require('@confluentinc/kafka-javascript'); require('usearch'); require('lmdb')"

FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS runtime
# Runtime halves of the libraries librdkafka was linked against; tini reaps and forwards signals
# as PID 1; ca-certificates for TLS to S3, Kafka and Redis.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates tini libssl3 libsasl2-2 zlib1g libzstd1 liblz4-1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Code and dependencies belong to root and are read-only for the user that runs them.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
# The data directory holds only caches in a cluster (segment cache) and everything in standalone.
# The image's "node" user (uid 1000) owns it; nothing else is writable.
RUN mkdir -p /var/lib/quiver && chown 1000:1000 /var/lib/quiver
ENV NODE_ENV=production \
    QUIVER_DATA_DIR=/var/lib/quiver \
    QUIVER_HOST=0.0.0.0 \
    QUIVER_PORT=19530 \
    QUIVER_INDEXER_HTTP_PORT=19531
USER 1000:1000
# 19530: the proxy's (and standalone's) HTTP port; 19531: the indexer's health and metrics port.
EXPOSE 19530 19531
# Liveness of whichever role runs: /healthz answers on the proxy's API port (QUIVER_PORT) or on
# the indexer's HTTP port (QUIVER_INDEXER_HTTP_PORT); healthy when either says ok. Node's own
# fetch, so the image needs no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const e = process.env; Promise.any([e.QUIVER_PORT, e.QUIVER_INDEXER_HTTP_PORT].map((p) => fetch('http://127.0.0.1:' + p + '/healthz').then((r) => r.ok || Promise.reject()))).then(() => process.exit(0), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "/app/bin/quiver"]
CMD ["proxy"]
