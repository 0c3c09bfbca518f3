# The Mishards image: one executable for every role (`mishards writer|reader|coordinator|
# control-plane|nginx-agent`), running the compiled JavaScript of `npm run build`.
#   docker build -t mishards .                      # every role but the Nginx agent
#   docker build --target nginx -t mishards-nginx .  # the same, with Nginx and its Lua module
# test/deploy/dockerfile.test.ts runs these commands in a clean copy of the repository.

# Compiles the sources: needs the development dependencies (TypeScript).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# The production dependencies alone, native modules (better-sqlite3, usearch) included.
FROM node:20-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# Numeric, so that Kubernetes can check runAsNonRoot: the image's `node` user.
USER 1000:1000
# gRPC (Milvus API), REST, metrics and health, the control plane's ADS.
EXPOSE 19530 19531 9091 18000
ENTRYPOINT ["node", "bin/mishards.js"]
CMD ["--help"]

# The Nginx agent's image: Nginx with its Lua module, which the agent runs as its child.
FROM runtime AS nginx
USER 0:0
RUN apt-get update && apt-get install -y --no-install-recommends nginx libnginx-mod-http-lua && rm -rf /var/lib/apt/lists/*
USER 1000:1000

# The default target: the image of every role but the Nginx agent.
FROM runtime
