#!/usr/bin/env bash
# Starts PostgreSQL, Redis and RabbitMQ on 127.0.0.1 when one is down (commands from ../shared/services.md).
# Installs them from Debian's packages first on a machine that lacks them.
set -uo pipefail

pg_up()     { pg_isready -q -h 127.0.0.1 -p 5432; }
redis_up()  { redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; }
rabbit_up() { rabbitmq-diagnostics -q ping >/dev/null 2>&1; }

need_install=()
command -v pg_ctlcluster >/dev/null || need_install+=(postgresql)
command -v redis-server  >/dev/null || need_install+=(redis-server)
command -v rabbitmq-server >/dev/null || need_install+=(rabbitmq-server)
if [ ${#need_install[@]} -gt 0 ]; then
  echo "services: installing ${need_install[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null
fi

if ! pg_up; then
  echo "services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
if ! redis_up; then
  echo "services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
if ! rabbit_up; then
  echo "services: starting RabbitMQ"
  rabbitmq-server -detached || true
fi

# Wait (bounded) for each to answer; a service that never comes up is reported, and the tests that need it say so.
for _ in $(seq 1 60); do
  pg_up && redis_up && rabbit_up && break
  sleep 2
done
for svc in pg:PostgreSQL redis:Redis rabbit:RabbitMQ; do
  if "${svc%%:*}_up"; then echo "services: ${svc#*:} ok"; else echo "services: WARNING ${svc#*:} is not answering"; fi
done
exit 0
