# One image for the sample services and the harness, compiled: the build stage turns the
# TypeScript into dist/ (npm run build); the image runs plain Node, with production
# dependencies only (tsx is a devDependency).
#   services: node dist/services/<name>/main.js
#   harness:  node bin/faultline.js run <scenario> ...   (no source in the image: runs dist/)
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY harness/src ./harness/src
COPY services ./services
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so editing the code does not invalidate the npm layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY --from=build /app/dist ./dist
COPY scenarios ./scenarios
COPY dashboards ./dashboards

# Unprivileged user; results/ is the only folder the harness writes.
RUN mkdir -p /app/results && chown node:node /app/results
USER node

CMD ["node", "bin/faultline.js", "list"]
