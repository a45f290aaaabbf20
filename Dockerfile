# The kubeha worker image (docker-compose.yml service kubeha-worker).
FROM node:20.18.1-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY lab ./lab
COPY scripts ./scripts
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --ignore-scripts

FROM node:20.18.1-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
# Only dist/src: the test and demo infrastructure stays out of the image (src/ requires it only for those commands).
COPY --from=build /app/dist/src ./dist/src
# bin/kubeha starts node with the worker's memory settings (docs/BENCHMARKS.md).
COPY bin ./bin
USER node
CMD ["bin/kubeha", "worker"]
