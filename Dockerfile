# One image for the sample services and the harness: TypeScript runs through tsx, no build step.
#   services: node --import tsx services/<name>/main.ts
#   harness:  node bin/faultline.js run <scenario> ...
FROM node:20-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so editing the code does not invalidate the npm layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY harness/src ./harness/src
COPY services ./services
COPY scenarios ./scenarios
COPY dashboards ./dashboards
COPY tsconfig.json ./

# Unprivileged user; results/ is the only folder the harness writes.
RUN mkdir -p /app/results && chown node:node /app/results
USER node

CMD ["node", "bin/faultline.js", "list"]
