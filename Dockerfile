# syntax=docker/dockerfile:1
# live-digits server image: the Nest server, the built page and the committed model.
#   docker build -t live-digits .
#   docker run -p 3000:3000 live-digits                       # one process
#   docker run -p 3000:3000 -e CLUSTER_WORKERS=auto live-digits   # every core of the host
#   docker compose up                                         # Redis, two nodes, nginx (compose.yaml)

# —— build: every dependency, tsc for the server, Vite for the page ——
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# @tensorflow/tfjs-node is optional: where its install can download libtensorflow it is the fastest
# backend; where it cannot, the server falls back to wasm by itself.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build server && npm run build:client
# What the image keeps: production dependencies only.
RUN npm prune --omit=dev --no-audit --no-fund

# —— run: no compilers, no dev dependencies, not root ——
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/client/dist ./apps/client/dist
COPY --from=build /app/models ./models
# The feedback folder is the only place the server writes; the image's user owns it.
RUN mkdir -p data/feedback && chown -R node:node data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly (not npm) so SIGTERM and SIGHUP reach the server: it drains on SIGTERM, reloads the model on SIGHUP.
CMD ["node", "dist/apps/server/src/main.js"]
