# syntax=docker/dockerfile:1
# Mamori's container image: build with `docker build -t mamori .` (docs/deployment.md, "Container image").
#
# Node.js: the project runs on Node.js 24 LTS — package.json's engines say >=24 and its `node` dependency puts
# Node.js 24 first on the PATH of every npm script, so tests and `npm start` run on it. The image uses the official
# Node.js image of exactly that release (the version the `node` dependency pins), on Debian bookworm slim: the same
# runtime CI tested, with OS security updates from Debian. Raise this tag together with the `node` dependency;
# test/deployment-files.test.ts fails when the two differ. Pin by digest as well (node:24.21.0-bookworm-slim@sha256:…)
# when your registry policy asks for it.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# --- build: every dependency, the web UI built by npm ci's postinstall, then the dev dependencies dropped ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The postinstall script builds the web UI (vite), which reads web/ and the API schemas it imports from shared/.
COPY web ./web
COPY shared ./shared
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY .ci/run ./.ci/run
COPY .oxlintrc.json ./
# Production files only: dev dependencies, tests and the test harness stay out of the runtime stage.
RUN npm prune --omit=dev --no-audit --no-fund && npm cache clean --force \
 && find src shared -name '*.test.ts' -delete && rm -rf src/testing

# --- runtime: production files only, owned by root and read-only to the service ---
FROM ${NODE_IMAGE} AS runtime
# A fixed numeric id, so volumes prepared on the host (`chown 10001:10001`) and Kubernetes' runAsUser match it.
RUN groupadd --system --gid 10001 mamori \
 && useradd --system --uid 10001 --gid mamori --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin mamori \
 && install -d -o mamori -g mamori -m 0700 /var/lib/mamori /var/lib/mamori-keys /var/lib/mamori-checkpoints
WORKDIR /app
# Code and dependencies stay root-owned: the service can read them but not change them, even without a
# read-only root filesystem. The .ci script and lint rules are evidence for the compliance report (JIS-1).
COPY --from=build /app/package.json /app/package-lock.json /app/.oxlintrc.json ./
COPY --from=build /app/.ci ./.ci
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/web ./dist/web
COPY --from=build /app/shared ./shared
COPY --from=build /app/src ./src
COPY deploy/container/health-live.mjs ./deploy/container/health-live.mjs
# Everything the service writes lives under MAMORI_DATA_DIR unless a setting moves it (docs/deployment.md, "Where
# the service writes"): the embedded database (when DATABASE_URL is unset), the self-signed TLS certificate, the
# data-folder lock, the master key file, signed audit checkpoints, the SBOM, backups and the mail pickup folder.
# With `--read-only`, mount it as a volume and /tmp as a tmpfs. The two other
# folders are mount points for deploy/compose.yaml: the master key and the audit checkpoints that every
# node shares. They are not defaults here, so a container run without those volumes cannot keep its master key in
# a layer that disappears with the container.
ENV MAMORI_DATA_DIR=/var/lib/mamori
USER mamori:mamori
EXPOSE 8443
VOLUME ["/var/lib/mamori"]
# Liveness only: /health/live touches no database, so an outage of the database does not restart every node.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 CMD ["node", "deploy/container/health-live.mjs"]
STOPSIGNAL SIGTERM
# The base image's node, not npm: npm would add a process between the orchestrator's SIGTERM and the service.
CMD ["node", "--import", "./src/cli/resolve-typescript.ts", "src/cli/mamori.ts", "start"]
