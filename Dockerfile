# syntax=docker/dockerfile:1
# pc-telemetry image: one image, the command picks the role.
#   docker run -p 5555:5555 IMAGE            API + workers + scheduler in one container (private Redis inside)
#   docker run IMAGE api | worker            one role; set REDIS_URL to a shared Redis
#   docker run IMAGE collector --interval 5  the host collector (see docker-compose.yml, profile collector)

# --- build: all dependencies, TypeScript compiled to dist/ -------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY env ./env
COPY src ./src
COPY workers ./workers
RUN npm run build

# --- prod-deps: production dependencies only ---------------------------------------------------------
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# --- runtime -------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="pc-telemetry" \
      org.opencontainers.image.description="Host CPU, memory and network telemetry in CSV, with a REST API and BullMQ jobs"
# tzdata: TZ names a real zone for the C library too. redis-server: lets the all-in-one command
# start a private Redis when REDIS_URL is not set (compose uses its own redis service instead).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata redis-server \
 && rm -rf /var/lib/apt/lists/*
# Source maps (emitted by the build) make stack traces name the TypeScript files and lines.
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    TZ=Europe/Samara \
    PCT_APP_DIR=/opt/pc-telemetry \
    API_HOST=0.0.0.0 \
    API_PORT=5555 \
    DOCKER_MODE=true
WORKDIR /opt/pc-telemetry
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The API reads its OpenAPI file beside its compiled module (src/api/spec.ts), so it goes into dist/.
COPY --from=build /app/src/api/openapi.yaml ./dist/src/api/openapi.yaml
COPY --chmod=755 docker-entrypoint.sh ./
# The code stays root-owned and read-only; the service runs as the image's unprivileged "node" user
# (uid 1000) and writes only under /var/lib/pc_telemetry, as the old tool did.
RUN mkdir -p /var/lib/pc_telemetry/telemetry /var/lib/pc_telemetry/tmp \
 && chown -R node:node /var/lib/pc_telemetry
USER node
WORKDIR /var/lib/pc_telemetry
VOLUME ["/var/lib/pc_telemetry/telemetry", "/var/lib/pc_telemetry/tmp"]
EXPOSE 5555
# No curl in slim images: Node's own fetch asks the API. 200 only when Redis answers too.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.API_PORT || 5555) + '/api/v1/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/opt/pc-telemetry/docker-entrypoint.sh"]
CMD ["all"]
