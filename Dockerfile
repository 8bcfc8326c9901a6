# The app image: every Control Tower service from one package; `tower up` with NATS_URL and CLICKHOUSE_URL
# set starts only ingest, the web app and the simulator. tfjs-node installs here (it can download
# libtensorflow at build time), unlike on the development machines.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm install --no-save @tensorflow/tfjs-node || true
COPY . .
RUN npx vite build && date -u +%FT%TZ > build/.built-at
ENV NODE_ENV=production
EXPOSE 3000
CMD ["node", "bin/tower.js", "up"]
